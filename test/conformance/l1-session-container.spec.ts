import {
  encodeFrameSubmit,
  encodePacket,
  MessageType,
  SessionCloseStatus,
  SessionFlag,
} from '@nest-nnrp/protocol';
import { DEFAULT_FRAME_SUBMIT } from '@nest-nnrp/nest';
import { connectClient } from '../support/nnrp-test-client';
import { frameKey, Route } from './conformance-controller';
import {
  closePeers,
  ConformanceApp,
  helloSession,
  nextFlowUpdate,
  openSession,
  startConformanceApp,
  TOKEN,
  tokenRoute,
  withApp,
} from './conformance-support';

// L1 session container (cases/l1-session-container.json): a connection carries several live
// sessions; closing one leaves the others; a connection CLOSE ends them all as a container.

describe('L1 session container (cases/l1-session-container.json)', () => {
  let app: ConformanceApp;

  beforeAll(async () => {
    app = await startConformanceApp();
  });
  afterEach(() => closePeers());
  afterAll(() => app.close());

  it('l1.connection.session_container.parallel_open.validation: opens several sessions at once on one connection; same frame ids, separate state, separate credit', async () => {
    await withApp({ enforceCredit: true, grantedOperationCredit: 1 }, async (creditApp) => {
      const client = await connectClient(creditApp);
      const sessions = await Promise.all([1, 2, 3].map(() => openSession(client)));
      const ids = sessions.map((session) => session.id);
      expect(new Set(ids).size).toBe(3);
      expect(ids.every((id) => creditApp.engine.sessions.get(id) !== undefined)).toBe(true);
      // Frame id 1 in each session: three operations, three answers, no cross-talk.
      const outcomes = await Promise.all(
        sessions.map((session) => session.submit(Buffer.from(`s${session.id}`), TOKEN).done),
      );
      outcomes.forEach((outcome, i) => {
        expect(outcome.kind).toBe('result');
        if (outcome.kind !== 'result') return;
        expect(outcome.header).toMatchObject({ sessionId: ids[i], frameId: 1 });
        expect(outcome.body.toString()).toBe(`s${ids[i]}`);
      });
      // Exhausting one session's credit does not spend its siblings'.
      const [first, second, third] = sessions;
      const held = first.submit(Buffer.alloc(0), tokenRoute(Route.park));
      await creditApp.probe.parked(first.id, held.frameId);
      const backpressure = nextFlowUpdate(first);
      expect((await first.submit(Buffer.alloc(0), TOKEN).done).kind).toBe('drop');
      expect((await backpressure).header.sessionId).toBe(first.id);
      for (const sibling of [second, third]) {
        expect((await sibling.submit(Buffer.from('ok'), TOKEN).done).kind).toBe('result');
      }
      expect(creditApp.engine.sessions.get(second.id)?.credit?.available).toBe(1);
      expect(
        [second, third]
          .flatMap((s) => s.flowUpdates)
          .every((u) => u.metadata.backpressureLevel === 0),
      ).toBe(true);
      creditApp.probe.release(first.id, held.frameId);
      expect((await held.done).kind).toBe('result');
      expect(client.violations).toEqual([]);
    });
  });

  it('l1.session.close.sibling_survival.validation: closing one session keeps the transport and its siblings (and their frames in flight) alive', async () => {
    const client = await connectClient(app);
    const closing = await openSession(client);
    const sibling = await openSession(client);
    const inFlight = sibling.submit(Buffer.alloc(0), tokenRoute(Route.park));
    await app.probe.parked(sibling.id, inFlight.frameId);
    const ack = await closing.close();
    expect(ack.closeStatus).toBe(SessionCloseStatus.Closed);
    await app.probe.closedSessions.wait(String(closing.id));
    expect(app.engine.sessions.get(closing.id)).toBeUndefined();
    expect(app.probe.closedSessions.fired(String(sibling.id))).toBe(false);
    expect(app.probe.aborted.fired(frameKey(sibling.id, inFlight.frameId))).toBe(false);
    const echo = await sibling.submit(Buffer.from('still here'), TOKEN).done;
    expect(echo.kind === 'result' && echo.body.toString()).toBe('still here');
    app.probe.release(sibling.id, inFlight.frameId, 'finished');
    const parked = await inFlight.done;
    expect(parked.kind === 'result' && parked.body.toString()).toBe('finished');
    // The connection can still open new sessions.
    const third = await openSession(client);
    expect((await third.submit(Buffer.from('3'), TOKEN).done).kind).toBe('result');
    expect(client.isClosed).toBe(false);
    expect(client.violations).toEqual([]);
  });

  it('l1.connection.close.session_cascade.validation: a connection CLOSE ends every session of the container, answers their frames, and frees their ids', async () => {
    const client = await connectClient(app);
    const hello = await helloSession(client);
    const resumable = await openSession(client, { sessionFlags: SessionFlag.AllowResume });
    const calls = [hello, resumable].map((session) =>
      session.submit(Buffer.alloc(0), { ...tokenRoute(Route.park), payloadKindBitmap: 1 }),
    );
    for (const [i, session] of [hello, resumable].entries()) {
      await app.probe.parked(session.id, calls[i].frameId);
    }
    const answered: MessageType[] = [];
    client.on('packet', (message) => answered.push(message.type));
    await client.closeConnection('container shutdown');
    // Each frame in flight got its terminal RESULT_DROP; no per-session close happened.
    for (const call of calls) expect((await call.done).kind).toBe('drop');
    expect(answered).not.toContain(MessageType.SessionCloseAck);
    expect(answered.filter((type) => type === MessageType.ResultDrop)).toHaveLength(2);
    for (const [i, session] of [hello, resumable].entries()) {
      await app.probe.aborted.wait(frameKey(session.id, calls[i].frameId));
      await app.probe.closedSessions.wait(String(session.id));
      // Not parked for resume either: the client asked for the teardown.
      expect(app.engine.sessions.get(session.id)).toBeUndefined();
      expect(app.engine.sessions.getDetached(session.id)).toBeUndefined();
    }
    // The ids are free again for a new connection.
    const next = await connectClient(app);
    const reopened = await openSession(next, { requestedSessionId: resumable.id });
    expect(reopened.id).toBe(resumable.id);
  });

  it('l1.connection.close.session_cascade.validation: nothing after a CLOSE is processed, even in the same write', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const frameId = 9;
    client.sendRaw([
      encodePacket({ messageType: MessageType.Close }, undefined, Buffer.from('bye')),
      encodePacket(
        { messageType: MessageType.FrameSubmit, sessionId: session.id, frameId },
        encodeFrameSubmit({ ...DEFAULT_FRAME_SUBMIT, ...TOKEN }),
      ),
    ]);
    await client.closed;
    await app.probe.closedSessions.wait(String(session.id));
    expect(app.probe.invoked).not.toContain(frameKey(session.id, frameId));
  });
});
