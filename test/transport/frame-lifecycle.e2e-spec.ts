import { ResultClass, ResultFlag } from '@nest-nnrp/protocol';
import { Route } from '../support/behaviour-controller';
import { useBehaviourApp } from '../support/behaviour-app-fixture';
import { CARRIER_MODES } from '../support/carrier-mode';
import { connectClient, TOKEN_SESSION } from '../support/nnrp-test-client';

const TOKEN = { payloadKindBitmap: 2 } as const;

describe.each(CARRIER_MODES)(
  'frame lifecycle: one terminal answer per frame (decisions.md §11–15) over %s',
  (mode) => {
    const app = useBehaviourApp(mode);

    async function session() {
      const client = await connectClient(app.server);
      return { client, session: await client.openSession(TOKEN_SESSION) };
    }

    it('drops a frame past its latency budget, aborts the handler, discards the late result', async () => {
      const { client, session } = await session_();
      const call = session.submit(Buffer.alloc(0), {
        routeId: Route.late,
        metadata: { ...TOKEN, latencyBudgetMs: 30 },
      });
      const outcome = await call.done;
      expect(outcome.kind).toBe('drop');
      expect(await app.probe.waitAborted(call.frameId)).toBe(true);
      // The handler resolves at 150 ms; nothing may follow the drop.
      await new Promise((r) => setTimeout(r, 250));
      expect(client.violations).toEqual([]);
      expect(session.received.filter((t) => t !== session.received[0])).toHaveLength(1);
    });

    it('drops the late answer of a handler that blocked the event loop past its budget', async () => {
      const { client, session } = await session_();
      const call = session.submit(Buffer.from('60'), {
        routeId: Route.blocking,
        metadata: { ...TOKEN, latencyBudgetMs: 20 },
      });
      expect((await call.done).kind).toBe('drop');
      expect(client.violations).toEqual([]);
    });

    it("applies the handler's own timeout through DropOnTimeoutInterceptor", async () => {
      const { session } = await session_();
      const call = session.submit(Buffer.alloc(0), { routeId: Route.timeout50, ...TOKEN });
      const started = Date.now();
      expect((await call.done).kind).toBe('drop');
      expect(Date.now() - started).toBeLessThan(900);
      expect(await app.probe.waitAborted(call.frameId)).toBe(true);
    });

    it("applies the session's default_deadline_ms", async () => {
      const client = await connectClient(app.server);
      const session = await client.openSession({ ...TOKEN_SESSION, defaultDeadlineMs: 30 });
      const call = session.submit(Buffer.alloc(0), { routeId: Route.never, ...TOKEN });
      expect((await call.done).kind).toBe('drop');
      expect(await app.probe.waitAborted(call.frameId)).toBe(true);
    });

    it('cancels a frame in flight: RESULT_DROP, aborted signal, cancel handler notified', async () => {
      const { session } = await session_();
      const call = session.submit(Buffer.alloc(0), { routeId: Route.never, ...TOKEN });
      await waitFor(() => app.probe.invoked.includes(call.frameId));
      session.cancel(call.frameId);
      expect((await call.done).kind).toBe('drop');
      expect(await app.probe.waitAborted(call.frameId)).toBe(true);
      expect(app.probe.cancelled).toContain(call.frameId);
    });

    it('streams an Observable as partial results and one terminal result', async () => {
      const { session } = await session_();
      const outcome = await session.submit(Buffer.alloc(0), { routeId: Route.stream, ...TOKEN })
        .done;
      expect(outcome.kind).toBe('result');
      if (outcome.kind !== 'result') return;
      expect(outcome.partials.map((p) => p.body.toString())).toEqual(['a', 'b', 'c']);
      for (const partial of outcome.partials) {
        expect(partial.metadata.resultClass).toBe(ResultClass.Partial);
        expect(partial.metadata.resultFlags & ResultFlag.Partial).toBe(ResultFlag.Partial);
      }
      expect(outcome.body.toString()).toBe('final');
      expect(outcome.metadata.resultClass).toBe(ResultClass.Complete);
      expect(outcome.metadata.resultFlags & ResultFlag.Partial).toBe(0);
    });

    it.each([
      ['an empty stream', Route.empty],
      ['a returned NnrpDrop', Route.drop],
      ['a handler exception', Route.throws],
    ])('answers %s with RESULT_DROP and keeps the session', async (_name, routeId) => {
      const { client, session } = await session_();
      expect((await session.submit(Buffer.alloc(0), { routeId, ...TOKEN }).done).kind).toBe('drop');
      const next = await session.submit(Buffer.from('next'), TOKEN).done;
      expect(next.kind).toBe('result');
      expect(client.errors).toEqual([]);
    });

    it('drops duplicate and zero frame ids without dispatching them', async () => {
      const { session } = await session_();
      const first = await session.submit(Buffer.from('one'), { frameId: 77, ...TOKEN }).done;
      expect(first.kind).toBe('result');
      const invokedBefore = app.probe.invoked.length;
      const dup = await session.submit(Buffer.from('two'), { frameId: 77, ...TOKEN }).done;
      const zero = await session.submit(Buffer.from('zero'), { frameId: 0, ...TOKEN }).done;
      expect(dup.kind).toBe('drop');
      expect(zero.kind).toBe('drop');
      expect(app.probe.invoked.length).toBe(invokedBefore);
    });

    it('fills RESULT_PUSH timings and payload kinds', async () => {
      const { session } = await session_();
      const outcome = await session.submit(Buffer.from('5'), { routeId: Route.sleep, ...TOKEN })
        .done;
      expect(outcome.kind).toBe('result');
      if (outcome.kind !== 'result') return;
      expect(outcome.metadata.serverTotalMs).toBeGreaterThanOrEqual(outcome.metadata.inferenceMs);
      expect(outcome.metadata.serverTotalMs).toBeGreaterThanOrEqual(4);
      expect(outcome.metadata.payloadKindBitmap).toBe(2);
    });

    async function session_() {
      return session();
    }
  },
);

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}
