import {
  MessageType,
  SessionErrorCode,
  SessionFlag,
  SessionFlagAck,
  SessionStatus,
  SessionCloseStatus,
  PatchAckStatus,
} from '@nest-nnrp/protocol';
import { NnrpClientError } from '@nest-nnrp/nest';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';

describe.each(CARRIER_MODES)('SESSION_OPEN flow (Rust client) over %s', (mode) => {
  let server: NnrpTestApp;

  beforeAll(async () => {
    server = await startNnrpTestApp([BehaviourController], {}, [FrameProbe], mode);
  });
  afterEach(() => destroyClients());
  afterAll(() => server.close());

  it('opens, submits, gets the echo, and closes with an ack echoing last_operation_id', async () => {
    const client = await connectClient(server);
    const session = await client.openSession({ ...TOKEN_SESSION, requestedSessionId: 0 });
    expect(session.ack!.sessionStatus).toBe(SessionStatus.Opened);
    expect(session.id).toBeGreaterThanOrEqual(1);
    expect(session.ack!.serverSessionTag).toBe(BigInt(session.id));
    expect(session.ack!.maxInFlightOperations).toBe(4);
    expect(session.ack!.grantedOperationCredit).toBe(2);
    const outcome = await session.submit(Buffer.from('ping'), { payloadKindBitmap: 2 }).done;
    expect(outcome.kind).toBe('result');
    if (outcome.kind !== 'result') return;
    expect(outcome.body.toString()).toBe('ping');
    expect(outcome.header.frameId).toBe(1);
    expect(outcome.metadata.statusCode).toBe(7);
    expect(outcome.metadata.activeProfileId).toBe(2);
    const ack = await session.close({ lastOperationId: 1n });
    expect(ack.closeStatus).toBe(SessionCloseStatus.Closed);
    expect(ack.lastOperationId).toBe(1n);
    expect(client.violations).toEqual([]);
  });

  it('grants resume when asked: resume_enabled with window and token bytes', async () => {
    const client = await connectClient(server);
    const session = await client.openSession({
      ...TOKEN_SESSION,
      sessionFlags: SessionFlag.AllowResume | SessionFlag.AllowCacheLeases,
    });
    expect(session.ack!.sessionFlagsAck).toBe(SessionFlagAck.ResumeEnabled);
    expect(session.ack!.resumeWindowMs).toBeGreaterThan(0);
    expect(session.ack!.resumeTokenBytes).toBe(24);
  });

  it.each([
    ['an unsupported profile', { profileId: 7 }, SessionErrorCode.ProfileUnsupported],
    ['an unknown schema', { schemaId: 0x9999 }, SessionErrorCode.SchemaUnsupported],
    [
      'schema 0/0 (not installed)',
      { schemaId: 0, schemaVersion: 0 },
      SessionErrorCode.SchemaUnsupported,
    ],
    ['too many frames in flight', { maxInFlightOperations: 99 }, SessionErrorCode.LimitReached],
    [
      'a resume without allow_resume',
      { resumeTokenBytes: 24, requestedSessionId: 5, sessionFlags: 0 },
      SessionErrorCode.ResumeRejected,
    ],
  ])('rejects %s with session id 0 and the code, then closes', async (_name, overrides, code) => {
    const client = await connectClient(server);
    const error = await client
      .openSession({ ...TOKEN_SESSION, ...overrides })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NnrpClientError);
    const ack = (error as NnrpClientError).openAck!;
    expect(ack.sessionStatus).toBe(SessionStatus.Rejected);
    expect(ack.sessionId).toBe(0);
    expect(ack.sessionErrorCode).toBe(code);
    expect(ack.serverSessionTag).toBe(0n);
    expect(ack.sessionFlagsAck).toBe(0);
    await client.closed;
  });

  it('rejects a non-resume open for a live id with LIMIT_REACHED', async () => {
    const first = await connectClient(server);
    const live = await first.openSession({ ...TOKEN_SESSION, requestedSessionId: 4242 });
    expect(live.id).toBe(4242);
    const second = await connectClient(server);
    const error = (await second
      .openSession({ ...TOKEN_SESSION, requestedSessionId: 4242 })
      .catch((e: unknown) => e)) as NnrpClientError;
    expect(error.openAck?.sessionErrorCode).toBe(SessionErrorCode.LimitReached);
    expect(error.openAck?.sessionId).toBe(0);
  });

  it('keeps several sessions on one connection; closing one leaves its siblings up', async () => {
    const client = await connectClient(server);
    const a = await client.openSession(TOKEN_SESSION);
    const b = await client.openSession(TOKEN_SESSION);
    expect(a.id).not.toBe(b.id);
    await a.close();
    const outcome = await b.submit(Buffer.from('still here'), { payloadKindBitmap: 2 }).done;
    expect(outcome.kind).toBe('result');
    const lateSubmitOnClosed = await connectClient(server);
    expect(lateSubmitOnClosed.violations).toEqual([]);
  });

  it('answers PATCH, MIGRATE and CLOSE with their ack as the next packet of the session', async () => {
    const probe = server.app.get(FrameProbe);
    const client = await connectClient(server);
    const session = await client.openSession(TOKEN_SESSION);
    // A frame finishes (10 ms) while the patch handler runs (40 ms): its result must wait
    // behind the ack.
    const inFlight = session.submit(Buffer.from('10'), { routeId: 1, payloadKindBitmap: 2 });
    const patch = await session.patch({ patchMask: 0x02, qualityTier: 3 });
    expect(patch.ackStatus).toBe(PatchAckStatus.Accepted);
    expect(patch.appliedPatchMask).toBe(0x02);
    expect(patch.effectiveQualityTier).toBe(3);
    expect(probe.patches).toContain(session.id);
    await inFlight.done;
    const migrate = await session.migrate({
      oldTransportId: 2,
      newTransportId: 1,
      lastResultFrameId: 1n,
    });
    expect(migrate.acceptCode).toBe(0);
    expect(migrate.resumeFromFrameId).toBeGreaterThanOrEqual(1n);
    const close = await session.close();
    expect(close.closeStatus).toBe(SessionCloseStatus.Closed);
    expect(session.received.slice(1, 3)).toEqual([
      MessageType.SessionPatchAck,
      MessageType.ResultPush,
    ]);
    expect(client.violations).toEqual([]);
  });

  it('refuses a migrate to the same transport with a non-zero accept code', async () => {
    const client = await connectClient(server);
    const session = await client.openSession(TOKEN_SESSION);
    const ack = await session.migrate({ oldTransportId: 2, newTransportId: 2 });
    expect(ack.acceptCode).not.toBe(0);
  });

  it('never sends PING, RESULT_HINT, CLOSE or non-fatal ERROR to a SESSION_OPEN client', async () => {
    const client = await connectClient(server);
    const session = await client.openSession(TOKEN_SESSION);
    // Overload the session (limit 4) and cancel an unknown frame: both make hello clients hear
    // RESULT_HINT / ERROR, but a SESSION_OPEN client must not.
    const calls = Array.from({ length: 8 }, () =>
      session.submit(Buffer.from('40'), { routeId: 1, payloadKindBitmap: 2 }),
    );
    session.cancel(999);
    // A handler's own hint is filtered too.
    calls.push(session.submit(Buffer.from('h'), { routeId: Route.hint, payloadKindBitmap: 2 }));
    const outcomes = await Promise.all(calls.map((c) => c.done));
    expect(outcomes.filter((o) => o.kind === 'drop').length).toBeGreaterThanOrEqual(4);
    const forbidden = [
      MessageType.Ping,
      MessageType.ResultHint,
      MessageType.Close,
      MessageType.Error,
    ];
    expect(session.received.filter((t) => forbidden.includes(t))).toEqual([]);
    expect(client.errors).toEqual([]);
    expect(session.flowUpdates.length).toBeGreaterThan(0);
  });
});
