import { InFlightPolicy, SessionCloseStatus } from '@nest-nnrp/protocol';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { EngineEventCounter } from '../support/engine-event-counter';
import { FrameProbe } from '../support/frame-probe';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';

/** The largest u32: about 49.7 days in milliseconds. */
const U32_MAX = 0xffffffff;
/** The largest u16 (`latency_budget_ms` is a u16): 65.5 s, within what a timer can hold. */
const U16_MAX = 0xffff;
const TOKEN = { payloadKindBitmap: 2 } as const;
/** A frame that takes this long, far below any of the deadlines asked for. */
const WORK = { routeId: Route.sleep, ...TOKEN };

// Server bug (docs/reliability.md, "u32 times overflow timers"): SESSION_OPEN
// default_deadline_ms and SESSION_CLOSE drain_timeout_ms (u32) go to setTimeout as they are;
// Node clamps any delay over 2^31 − 1 ms to 1 ms, so the longest a client can ask for acts as
// the shortest.
describe('millisecond fields at their maximum mean "long", not "now"', () => {
  let server: NnrpTestApp;
  const events = new EngineEventCounter();

  beforeAll(async () => {
    server = await startNnrpTestApp([BehaviourController], { events }, [FrameProbe]);
  });
  afterEach(() => destroyClients());
  afterAll(() => server.close());

  it('latency_budget_ms = 2^16 − 1 lets a 50 ms frame finish', async () => {
    const session = await (await connectClient(server)).openSession(TOKEN_SESSION);
    const call = session.submit(Buffer.from('50'), {
      ...WORK,
      metadata: { ...TOKEN, latencyBudgetMs: U16_MAX },
    });
    expect((await call.done).kind).toBe('result');
  });

  it('default_deadline_ms = 2^32 − 1 lets a 50 ms frame finish', async () => {
    const client = await connectClient(server);
    const session = await client.openSession({ ...TOKEN_SESSION, defaultDeadlineMs: U32_MAX });
    expect((await session.submit(Buffer.from('50'), WORK).done).kind).toBe('result');
  });

  it('SESSION_CLOSE with drain_timeout_ms = 2^32 − 1 drains a 50 ms frame', async () => {
    const session = await (await connectClient(server)).openSession(TOKEN_SESSION);
    session.submit(Buffer.from('50'), WORK).done.catch(() => undefined);
    const completedBefore = events.completed;
    const ack = await session.close({
      inFlightPolicy: InFlightPolicy.Drain,
      drainTimeoutMs: U32_MAX,
    });
    expect(ack.closeStatus).toBe(SessionCloseStatus.Closed);
    // SESSION_OPEN-flow clients hear nothing after the ack: the server's accounting tells
    // whether the frame was drained (completed) or cut (dropped, session closed).
    expect(events.drops('session-closed')).toBe(0);
    expect(events.completed).toBe(completedBefore + 1);
  });
});
