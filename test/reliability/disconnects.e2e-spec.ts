import { SessionFlag, SessionStatus } from '@nest-nnrp/protocol';
import { RawPeer } from '../../bench/fuzz/raw-peer';
import { CARRIER_MODES } from '../support/carrier-mode';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { EngineEventCounter } from '../support/engine-event-counter';
import { FaultController, FaultRoute } from '../support/fault-controller';
import { FrameProbe } from '../support/frame-probe';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import {
  connectClient,
  connectRawPeer,
  destroyClients,
  TOKEN_SESSION,
} from '../support/nnrp-test-client';
import { rawSessionOpen, rawSubmit } from '../support/raw-packets';
import { buffersHeldOver, retainedBufferBytes, settledBaseline } from '../support/retained-memory';
import { waitUntil } from '../support/wait-until';

const MIB = 1024 * 1024;
const ACK_MS = 2000;

describe.each(CARRIER_MODES)(
  'disconnects: mid-packet, mid-result, frames in flight (decisions.md §8, §11) over %s',
  (mode) => {
    let server: NnrpTestApp;
    let probe: FrameProbe;
    const events = new EngineEventCounter();

    beforeAll(async () => {
      server = await startNnrpTestApp(
        [BehaviourController, FaultController],
        { events, resumeWindowMs: 5000 },
        [FrameProbe],
        mode,
      );
      probe = server.app.get(FrameProbe);
    });
    afterEach(() => destroyClients());
    afterAll(() => server.close());

    /** A raw resumable session with id `id`. */
    async function rawSession(id: number): Promise<RawPeer> {
      const peer = await connectRawPeer(server);
      peer.write(rawSessionOpen(id, true));
      expect(await peer.waitFor(() => peer.ackSessionId === id, ACK_MS)).toBe(true);
      return peer;
    }

    /** Resumes session `id` on a new connection: the server parked it for us. */
    async function resume(id: number) {
      const client = await connectClient(server);
      const session = await client.openSession({
        ...TOKEN_SESSION,
        requestedSessionId: id,
        sessionFlags: SessionFlag.AllowResume,
        resumeTokenBytes: 24,
      });
      expect(session.ack!.sessionStatus).toBe(SessionStatus.Resumed);
      return { client, session };
    }

    async function healthy(): Promise<void> {
      const client = await connectClient(server);
      const session = await client.openSession(TOKEN_SESSION);
      const outcome = await session.submit(Buffer.from('alive'), { payloadKindBitmap: 2 }).done;
      expect(outcome.kind).toBe('result');
    }

    it('vanishes mid-packet with a frame in flight: abort fires, drop counted, session resumable', async () => {
      const peer = await rawSession(301);
      const lostBefore = events.drops('connection-lost');
      const closedBefore = events.connectionsClosed;
      peer.write(rawSubmit(301, 3011, Route.never));
      await waitUntil(() => probe.invoked.includes(3011), 'the never-settling handler');
      const half = rawSubmit(301, 3012, Route.sleep, '5');
      peer.write(half.subarray(0, half.length >> 1));
      peer.destroy();
      await waitUntil(() => events.connectionsClosed > closedBefore, 'the server to see the close');
      expect(await probe.waitAborted(3011)).toBe(true);
      expect(events.drops('connection-lost')).toBe(lostBefore + 1);
      const { session } = await resume(301);
      const outcome = await session.submit(Buffer.from('back'), { payloadKindBitmap: 2 }).done;
      expect(outcome.kind).toBe('result');
    });

    it('ends its stream mid-packet: fatal ERROR, close, session still resumable', async () => {
      const peer = await rawSession(302);
      const half = rawSubmit(302, 1, Route.echo, 'x'.repeat(100));
      peer.write(half.subarray(0, 50));
      peer.end();
      expect(await peer.waitClosed(ACK_MS)).toBe(true);
      expect(peer.errors.map((e) => e.isFatal)).toEqual([true]);
      await resume(302);
    });

    it('vanishes while a 32 MiB result is being written: no crash, the result is released', async () => {
      const before = await settledBaseline(retainedBufferBytes);
      const peer = await connectRawPeer(server, { maxBodyLen: 64 * MIB });
      peer.write(rawSessionOpen(303, true));
      expect(await peer.waitFor(() => peer.ackSessionId === 303, ACK_MS)).toBe(true);
      const lostBefore = events.drops('connection-lost');
      peer.write(rawSubmit(303, 3031, Route.never));
      peer.write(rawSubmit(303, 3032, FaultRoute.big, String(32 * 1024)));
      // Part of the result arrives, then the client stops reading and vanishes.
      expect(await peer.waitFor(() => peer.bytesReceived > 64 * 1024, ACK_MS)).toBe(true);
      peer.pause();
      peer.destroy();
      expect(await probe.waitAborted(3031)).toBe(true);
      await waitUntil(() => events.drops('connection-lost') > lostBefore, 'the drop of frame 3031');
      await healthy();
      // The 32 MiB result (and its socket queue) must not stay referenced once the close settled.
      expect(await buffersHeldOver(before, 8 * MIB)).toBeLessThan(8 * MIB);
      await resume(303);
    });

    it('does not deliver answers of the old connection to the resumed one', async () => {
      const first = await connectClient(server);
      const old = await first.openSession({
        ...TOKEN_SESSION,
        requestedSessionId: 304,
        sessionFlags: SessionFlag.AllowResume,
      });
      // `late` resolves after 150 ms whatever happens to its frame.
      old.submit(Buffer.alloc(0), { routeId: Route.late, frameId: 3041, payloadKindBitmap: 2 });
      await waitUntil(() => probe.invoked.includes(3041), 'the late handler');
      const closedBefore = events.connectionsClosed;
      await first.destroy();
      await waitUntil(() => events.connectionsClosed > closedBefore, 'the server to see the close');
      const { client, session } = await resume(304);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the late handler has resolved
      expect(await client.ping()).toBeGreaterThanOrEqual(0);
      expect(session.timeline.filter((r) => r.direction === 'in' && r.frameId === 3041)).toEqual(
        [],
      );
      expect(client.violations).toEqual([]);
    });

    // Server bug (docs/reliability.md, "half-close"): ServerConnection.onStreamEnd terminates the
    // connection at the client's FIN, so answers still being computed are never written.
    it('answers every frame of a client that half-closes after its last submit', async () => {
      const peer = await rawSession(305);
      for (let frameId = 1; frameId <= 3; frameId++) {
        peer.write(rawSubmit(305, frameId, Route.sleep, '30'));
      }
      peer.write(rawSubmit(305, 4, Route.echo, 'quick'));
      peer.end(); // FIN: no more requests, but the answers are still wanted
      await peer.waitClosed(ACK_MS);
      expect(peer.terminalAnswers).toBe(4);
    });
  },
);
