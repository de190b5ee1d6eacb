import { MessageType } from '@nest-nnrp/protocol';
import { AttackKind, AttackScript, ScriptWrite } from './attack-script';
import { Finding } from './finding';
import { FuzzEndpoint } from './fuzz-target';
import { RawPeer } from './raw-peer';

/** How a fuzzed connection ended (the histogram of bad-connection outcomes). */
export type ConnectionOutcome =
  /** The server sent ERROR and the connection closed. */
  | 'server-error-close'
  /** The server closed on its own without an ERROR (rejected open ack, CLOSE…). */
  | 'server-close'
  /** No ERROR; the client half-closed and the server then closed. */
  | 'closed-after-fin'
  /** The client lingered; the server's handshake or idle timeout closed it (with ERROR). */
  | 'closed-by-timeout'
  /** The client vanished on purpose. */
  | 'client-destroyed'
  /** The TCP connect or the QUIC handshake failed. */
  | 'connect-failed'
  /** Neither side closed in time: always a finding. */
  | 'hang'
  /** The server crashed meanwhile: the connection's own checks are void. */
  | 'interrupted-by-crash';

/** Result of one fuzzed connection. */
export interface AttackOutcome {
  readonly kind: AttackKind;
  readonly outcome: ConnectionOutcome;
  /** Packets written (whole or first fragment). */
  readonly packets: number;
  readonly errorCodes: readonly number[];
  readonly findings: readonly Finding[];
}

/** Time limits of one fuzzed connection. */
export interface AttackTiming {
  /** How long a handshake ack or the answers of well-formed traffic may take. */
  readonly answerMs: number;
  /** How long after the client is done the server may take to close. */
  readonly hangMs: number;
}

/** Types the server must never send to a SESSION_OPEN connection, besides non-fatal ERROR. */
const FORBIDDEN_FOR_OPEN: readonly MessageType[] = [
  MessageType.Ping,
  MessageType.ResultHint,
  MessageType.Close,
];

/**
 * Runs one {@link AttackScript} over a fresh connection and judges the server: it must answer
 * or close (never hang), send only decodable packets, nothing after a fatal ERROR, nothing a
 * SESSION_OPEN client forbids, and answer well-formed traffic completely.
 */
export async function runAttack(
  endpoint: FuzzEndpoint,
  script: AttackScript,
  timing: AttackTiming,
): Promise<AttackOutcome> {
  let peer: RawPeer;
  try {
    peer = await RawPeer.connect(endpoint);
  } catch {
    return {
      kind: script.kind,
      outcome: 'connect-failed',
      packets: 0,
      errorCodes: [],
      findings: [],
    };
  }
  const findings: Finding[] = [];
  const finding = (kind: Finding['kind'], detail: string): void => {
    findings.push({
      kind,
      detail: `${script.kind} over ${script.carrier} (seed ${script.seed}): ${detail}`,
    });
  };
  let packets = 0;
  const write = async (writes: readonly ScriptWrite[]): Promise<void> => {
    for (const w of writes) {
      if (w.pauseMs) await new Promise((resolve) => setTimeout(resolve, w.pauseMs));
      if (!peer.write(w.bytes)) return;
      packets += w.packets;
    }
  };

  let sessionId = 0;
  if (script.handshake) {
    await write(script.handshake.writes);
    const ackType =
      script.handshake.flow === 'hello' ? MessageType.ServerHelloAck : MessageType.SessionOpenAck;
    const acked = await peer.waitFor(() => peer.count(ackType) > 0, timing.answerMs);
    if (!acked && !peer.isClosed) finding('handshake-unanswered', 'no ack, ERROR or close');
    sessionId = peer.ackSessionId ?? 0;
  }
  if (script.stallMs !== undefined) peer.pause();
  if (!peer.isClosed) await write(script.build(sessionId));
  if (script.stallMs !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, script.stallMs));
    peer.resume();
  }

  await checkExpectations(peer, script, timing, finding);

  const outcome = await end(peer, script, timing);
  if (outcome === 'hang') finding('hang', `no close ${timing.hangMs} ms after ${script.ending}`);
  if (peer.decodeFailure) finding('unparseable-reply', peer.decodeFailure);
  if (peer.packetsAfterFatal > 0) {
    finding('packet-after-fatal-error', `${peer.packetsAfterFatal} packet(s) after a fatal ERROR`);
  }
  if (script.handshake?.flow === 'open') {
    const forbidden = FORBIDDEN_FOR_OPEN.filter((type) => peer.count(type) > 0);
    if (forbidden.length > 0 || peer.errors.some((e) => !e.isFatal)) {
      finding('forbidden-for-open-flow', `types ${forbidden.join(',')} or a non-fatal ERROR`);
    }
  }
  peer.destroy();
  return {
    kind: script.kind,
    outcome,
    packets,
    errorCodes: peer.errors.map((e) => e.errorCode),
    findings,
  };
}

async function checkExpectations(
  peer: RawPeer,
  script: AttackScript,
  timing: AttackTiming,
  finding: (kind: Finding['kind'], detail: string) => void,
): Promise<void> {
  const { expect, mustRefuse } = script;
  if (expect) {
    const answered = (): boolean =>
      peer.count(MessageType.Pong) >= expect.pongs && peer.terminalAnswers >= expect.frames;
    const done = await peer.waitFor(answered, timing.answerMs);
    if (expect.clean && (peer.errors.length > 0 || peer.isClosed)) {
      finding(
        'valid-traffic-refused',
        `ERROR ${peer.errors.map((e) => e.errorCode)} / closed ${peer.isClosed}`,
      );
    } else if (!done) {
      finding(
        'valid-traffic-unanswered',
        `${peer.count(MessageType.Pong)}/${expect.pongs} PONGs, ${peer.terminalAnswers}/${expect.frames} answers`,
      );
    }
  }
  if (mustRefuse) {
    const refused = (): boolean =>
      peer.errors.some((e) => e.errorCode === mustRefuse.code && e.isFatal === mustRefuse.fatal);
    if (!(await peer.waitFor(refused, timing.answerMs))) {
      const kind = script.handshake ? 'foreign-session-not-refused' : 'pre-handshake-not-refused';
      finding(kind, `errors ${JSON.stringify(peer.errors)}, closed ${peer.isClosed}`);
    }
  }
}

async function end(
  peer: RawPeer,
  script: AttackScript,
  timing: AttackTiming,
): Promise<ConnectionOutcome> {
  if (!peer.isClosed) {
    switch (script.ending) {
      case 'destroy':
        peer.destroy();
        return 'client-destroyed';
      case 'linger': {
        const errorsBefore = peer.errors.length;
        if (!(await peer.waitClosed(timing.hangMs))) return 'hang';
        if (peer.errors.length > errorsBefore) return 'closed-by-timeout';
        break;
      }
      case 'fin':
        peer.end();
        if (!(await peer.waitClosed(timing.hangMs))) return 'hang';
        break;
    }
  }
  // Whoever closed first, a connection the server answered with ERROR counts as such.
  if (peer.errors.length > 0) return 'server-error-close';
  return peer.closedByServer ? 'server-close' : 'closed-after-fin';
}
