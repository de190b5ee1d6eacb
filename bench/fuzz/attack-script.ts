import { RawCarrier } from './raw-wire';
import { Handshake } from './seed-packets';

/** The attacks the fuzzer mixes (see attack-generator.ts for what each sends). */
export type AttackKind =
  | 'vector-first'
  | 'mutant-first'
  | 'refused-first'
  | 'session-mutants'
  | 'garbage-after-handshake'
  | 'length-limits'
  | 'wrong-metadata'
  | 'reordered'
  | 'tiny-flood'
  | 'split-valid'
  | 'foreign-session'
  | 'stalled-reader';

/** How the fuzzer leaves a connection once its bytes are written. */
export type Ending =
  /** Half-close: the server must close promptly (after an ERROR if mid-packet). */
  | 'fin'
  /** Keep the socket open and silent: the server's own timeouts must close it. */
  | 'linger'
  /** Vanish at once: the server must cope with the peer disappearing. */
  | 'destroy';

/** One write and how many packets start in it (a fragment of a packet counts 0). */
export interface ScriptWrite {
  readonly bytes: Buffer;
  readonly packets: number;
  /** Wait this long before writing (a client producing frames at a steady pace). */
  readonly pauseMs?: number;
}

/** What a well-formed script must get back before it ends. */
export interface ScriptExpectation {
  /** Every packet well-formed: no ERROR and no close may come before the client is done. */
  readonly clean: boolean;
  readonly pongs: number;
  /** Frames that must each get a terminal answer. */
  readonly frames: number;
}

/** One fuzzed connection. */
export interface AttackScript {
  readonly kind: AttackKind;
  /** Rebuilds this script (`AttackGenerator.replay`). */
  readonly seed: number;
  /** The carrier (and QUIC stream model) the connection uses. */
  readonly carrier: RawCarrier;
  /** Valid handshake sent (possibly in fragments) and awaited before `build`'s writes. */
  readonly handshake?: { readonly flow: Handshake; readonly writes: readonly ScriptWrite[] };
  /** The writes after the handshake ack, for the session id the server granted. */
  readonly build: (sessionId: number) => ScriptWrite[];
  readonly ending: Ending;
  /**
   * Stop reading after the handshake ack, for this long after the writes (a client that no
   * longer reads its results), then read again before the ending.
   */
  readonly stallMs?: number;
  readonly expect?: ScriptExpectation;
  /**
   * The server must answer with an ERROR of this code (fatal when `fatal`): a message before
   * the handshake, or a packet naming another connection's session.
   */
  readonly mustRefuse?: { readonly code: number; readonly fatal: boolean };
}

/** One write holding whole packets. */
export function whole(...packets: Buffer[]): ScriptWrite {
  return {
    bytes: packets.length === 1 ? packets[0] : Buffer.concat(packets),
    packets: packets.length,
  };
}
