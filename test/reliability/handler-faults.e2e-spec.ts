import { MessageType, SessionFlag } from '@nest-nnrp/protocol';
import { ClientSession, FrameCall } from '@nest-nnrp/nest';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { EngineEventCounter } from '../support/engine-event-counter';
import { FaultController, FaultRoute } from '../support/fault-controller';
import { FrameProbe } from '../support/frame-probe';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';
import { waitUntil } from '../support/wait-until';

const TOKEN = { payloadKindBitmap: 2 } as const;
/** Longer than FaultController's late actions (100 ms) and `late` (150 ms). */
const AFTER_LATE_MS = 250;

/** What the client received for `call`'s frame, in order. */
function answersOf(call: FrameCall, session: ClientSession): MessageType[] {
  return session.timeline
    .filter((r) => r.direction === 'in' && r.frameId === call.frameId)
    .map((r) => r.messageType);
}

describe.each(CARRIER_MODES)(
  'handlers that misbehave: nothing reaches the wire after a drop (decisions.md §11–13) over %s',
  (mode) => {
    let server: NnrpTestApp;
    let probe: FrameProbe;

    beforeAll(async () => {
      server = await startNnrpTestApp(
        [BehaviourController, FaultController],
        {},
        [FrameProbe],
        mode,
      );
      probe = server.app.get(FrameProbe);
    });
    afterEach(() => destroyClients());
    afterAll(() => server.close());

    async function open() {
      const client = await connectClient(server);
      return { client, session: await client.openSession(TOKEN_SESSION) };
    }

    it.each([
      ['cancelled', 'cancel'],
      ['past its deadline', 'deadline'],
    ] as const)('a stream still emitting after its frame was %s', async (_name, how) => {
      const { client, session } = await open();
      const frameId = how === 'cancel' ? 4101 : 4102;
      const call = session.submit(Buffer.alloc(0), {
        routeId: FaultRoute.lateStream,
        frameId,
        metadata: { ...TOKEN, latencyBudgetMs: how === 'deadline' ? 30 : 0 },
      });
      await waitUntil(() => call.partials.length > 0, 'the first partial');
      if (how === 'cancel') session.cancel(frameId);
      expect((await call.done).kind).toBe('drop');
      expect(await probe.waitAborted(frameId)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, AFTER_LATE_MS));
      await client.ping();
      // Partials, then the drop, then nothing: the late emission never reached the wire.
      const answers = answersOf(call, session);
      expect(answers.indexOf(MessageType.ResultDrop)).toBe(answers.length - 1);
      expect(answers.slice(0, -1).every((t) => t === MessageType.ResultPush)).toBe(true);
      expect(client.violations).toEqual([]);
    });

    it('a handler that rejects after its deadline: one RESULT_DROP, no second answer', async () => {
      const { client, session } = await open();
      const call = session.submit(Buffer.alloc(0), {
        routeId: FaultRoute.lateReject,
        metadata: { ...TOKEN, latencyBudgetMs: 30 },
      });
      expect((await call.done).kind).toBe('drop');
      await new Promise((resolve) => setTimeout(resolve, AFTER_LATE_MS));
      expect((await session.submit(Buffer.from('next'), TOKEN).done).kind).toBe('result');
      expect(answersOf(call, session)).toEqual([MessageType.ResultDrop]);
      expect(client.violations).toEqual([]);
      expect(client.errors).toEqual([]);
    });
  },
);

describe.each(CARRIER_MODES)('handlers that never settle over %s', (mode) => {
  afterEach(() => destroyClients());

  it("are ended by the server's defaultDeadlineMs, which aborts them", async () => {
    const events = new EngineEventCounter();
    const server = await startNnrpTestApp(
      [BehaviourController],
      { defaultDeadlineMs: 60, events },
      [FrameProbe],
      mode,
    );
    try {
      const probe = server.app.get(FrameProbe);
      const client = await connectClient(server);
      const session = await client.openSession(TOKEN_SESSION);
      const call = session.submit(Buffer.alloc(0), { routeId: Route.never, ...TOKEN });
      expect((await call.done).kind).toBe('drop');
      expect(await probe.waitAborted(call.frameId)).toBe(true);
      expect(events.drops('deadline')).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('are aborted when their connection is cut; a parked session does not hold up app.close()', async () => {
    const events = new EngineEventCounter();
    const server = await startNnrpTestApp(
      [BehaviourController],
      { events, resumeWindowMs: 60_000 },
      [FrameProbe],
      mode,
    );
    const probe = server.app.get(FrameProbe);
    const client = await connectClient(server);
    const session = await client.openSession({
      ...TOKEN_SESSION,
      sessionFlags: SessionFlag.AllowResume,
    });
    const frames = [4201, 4202, 4203];
    for (const frameId of frames) {
      session.submit(Buffer.alloc(0), { routeId: Route.never, frameId, ...TOKEN });
    }
    await waitUntil(() => frames.every((id) => probe.invoked.includes(id)), 'the handlers');
    await client.destroy();
    await waitUntil(() => events.connectionsClosed === 1, 'the server to see the close');
    for (const frameId of frames) expect(await probe.waitAborted(frameId)).toBe(true);
    expect(events.drops('connection-lost')).toBe(frames.length);
    expect(server.transport.unwrap().sessions.size).toBe(1); // parked for resume
    const started = Date.now();
    await server.close();
    // The resume window (60 s) must not keep the app (or jest) alive.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.transport.unwrap().sessions.size).toBe(0);
  });
});
