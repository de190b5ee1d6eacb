import {
  CacheInvalidateScope,
  encodeCacheInvalidate,
  encodePacket,
  ErrorCode,
  MessageType,
} from '@nest-nnrp/protocol';
import { NnrpEngine } from '@nest-nnrp/nest';
import { Rng } from '../../bench/fuzz/rng';
import { Handshake, handshakePacket, SeedKind, seedPacket } from '../../bench/fuzz/seed-packets';
import { Route } from '../support/behaviour-controller';
import { useBehaviourApp } from '../support/behaviour-app-fixture';
import { CARRIER_MODES } from '../support/carrier-mode';
import { connectClient, connectRawPeer, TOKEN_SESSION } from '../support/nnrp-test-client';
import { rawSubmit } from '../support/raw-packets';
import { waitUntil } from '../support/wait-until';

const VICTIM_FRAME = 9001;
const INTRUDER_FRAME = 9002;
const TOKEN = { payloadKindBitmap: 2 } as const;

/** A packet of each session-scoped kind, aimed at `sessionId` (another connection's session). */
function aimedAt(kind: SeedKind | 'flowUpdate', sessionId: number): Buffer {
  switch (kind) {
    case 'submit':
      return rawSubmit(sessionId, INTRUDER_FRAME, Route.echo, 'intruder');
    case 'cancel':
      return encodePacket({
        messageType: MessageType.FrameCancel,
        sessionId,
        frameId: VICTIM_FRAME,
      });
    case 'cacheInvalidate':
      return encodePacket(
        { messageType: MessageType.CacheInvalidate, sessionId },
        encodeCacheInvalidate({
          invalidateScope: CacheInvalidateScope.WholeSession,
          cacheNamespace: 0,
          cacheKeyHi: 0,
          cacheKeyLo: 0,
          reasonCode: 0,
        }),
      );
    default:
      return seedPacket(kind, { sessionId, flow: 'open', nextFrameId: 1 }, new Rng(1));
  }
}

const KINDS: readonly SeedKind[] = [
  'submit',
  'cancel',
  'patch',
  'migrate',
  'sessionClose',
  'cachePut',
  'cacheInvalidate',
  'flowUpdate',
];
const CASES = KINDS.flatMap((kind) =>
  (['open', 'hello'] as Handshake[]).map((flow) => [kind, flow] as const),
);

describe.each(CARRIER_MODES)(
  'a session id of another connection is refused on every message type (security) over %s',
  (mode) => {
    const app = useBehaviourApp(mode);

    it.each(CASES)('%s from a %s-flow connection', async (kind, flow) => {
      const victimClient = await connectClient(app.server);
      const victim = await victimClient.openSession(TOKEN_SESSION);
      // One object in the victim's cache, which the intruder must not be able to touch.
      const cached = new Promise((resolve) => victimClient.on('cache', resolve));
      victimClient.sendRaw(
        seedPacket('cachePut', { sessionId: victim.id, flow: 'open', nextFrameId: 1 }, new Rng(2)),
      );
      await cached;
      const invokedBefore = app.probe.invoked.length;
      const inFlight = victim.submit(Buffer.from('150'), {
        routeId: Route.sleep,
        frameId: VICTIM_FRAME,
        ...TOKEN,
      });
      await waitUntil(() => app.probe.invoked.length > invokedBefore, 'the victim frame');
      const patchesBefore = app.probe.patches.length;

      const intruder = await connectRawPeer(app.server);
      intruder.write(handshakePacket(flow, 0));
      expect(await intruder.waitFor(() => intruder.ackSessionId !== undefined, 3000)).toBe(true);
      intruder.write(aimedAt(kind, victim.id));
      intruder.write(encodePacket({ messageType: MessageType.Ping }));
      const refused = () => intruder.errors.some((e) => e.errorCode === ErrorCode.InvalidState);
      expect(await intruder.waitFor(refused, 3000)).toBe(true);
      if (flow === 'open') {
        // The SESSION_OPEN flow gets no non-fatal ERROR (decisions.md §10): it is closed.
        expect(intruder.errors[0].isFatal).toBe(true);
        expect(await intruder.waitClosed(3000)).toBe(true);
      } else {
        expect(intruder.errors[0].isFatal).toBe(false);
        expect(await intruder.waitFor(() => intruder.count(MessageType.Pong) === 1, 3000)).toBe(
          true,
        );
      }
      // Only the error (and, for hello, the PONG) came back: no ack, no result.
      const answered = [...intruder.counts.keys()].filter(
        (t) =>
          t !== MessageType.Error &&
          t !== MessageType.Pong &&
          t !== MessageType.ServerHelloAck &&
          t !== MessageType.SessionOpenAck,
      );
      expect(answered).toEqual([]);

      // The victim saw nothing of it and is untouched.
      expect((await inFlight.done).kind).toBe('result');
      expect((await victim.submit(Buffer.from('after'), TOKEN).done).kind).toBe('result');
      expect(victimClient.violations).toEqual([]);
      // The victim's two frames only: the intruder's submit was never dispatched.
      expect(app.probe.invoked.length).toBe(invokedBefore + 2);
      expect(app.probe.patches.length).toBe(patchesBefore);
      const session = app.server.transport.unwrap<NnrpEngine>().sessions.get(victim.id)!;
      expect(session.state).toBe('open');
      expect(session.cache.size).toBe(1);
      intruder.destroy();
    });
  },
);
