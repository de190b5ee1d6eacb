import { BehaviourController, Route } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';
import { FrameCall } from '@nest-nnrp/nest';

const CONNECTIONS = 8;
const FRAMES_PER_CONNECTION = 2000;
const WINDOW = 16;

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

describe.each(CARRIER_MODES)(
  'bounded load: 8 connections × 2,000 frames with delays, timeouts and cancels over %s',
  (mode) => {
    let server: NnrpTestApp;

    beforeAll(async () => {
      server = await startNnrpTestApp(
        [BehaviourController],
        { profile: { maxInFlightPerSession: WINDOW } },
        [FrameProbe],
        mode,
      );
    });
    afterAll(async () => {
      await destroyClients();
      await server.close();
    });

    it('gives every frame exactly one terminal answer and no result after a drop', async () => {
      const random = rng(20261121);
      const totals = { results: 0, drops: 0, cancels: 0, timeouts: 0 };
      const clients = await Promise.all(
        Array.from({ length: CONNECTIONS }, () => connectClient(server)),
      );
      await Promise.all(
        clients.map(async (client) => {
          const session = await client.openSession(TOKEN_SESSION);
          let submitted = 0;
          const inFlight = new Set<Promise<unknown>>();
          while (submitted < FRAMES_PER_CONNECTION) {
            while (inFlight.size < WINDOW && submitted < FRAMES_PER_CONNECTION) {
              submitted++;
              const roll = random();
              const delayMs = Math.floor(random() * 4);
              const timeout = roll < 0.1;
              const cancel = roll >= 0.1 && roll < 0.2;
              const call: FrameCall = session.submit(Buffer.from(String(timeout ? 30 : delayMs)), {
                routeId: Route.sleep,
                metadata: { payloadKindBitmap: 2, latencyBudgetMs: timeout ? 5 : 0 },
              });
              if (timeout) totals.timeouts++;
              if (cancel) {
                totals.cancels++;
                setTimeout(() => session.cancel(call.frameId), delayMs);
              }
              const settled = call.done.then((outcome) => {
                if (outcome.kind === 'result') totals.results++;
                else totals.drops++;
                inFlight.delete(settled);
              });
              inFlight.add(settled);
            }
            await Promise.race(inFlight);
          }
          await Promise.all(inFlight);
          // Give stray late packets a moment to show up as violations.
          await client.ping();
        }),
      );
      const total = CONNECTIONS * FRAMES_PER_CONNECTION;
      expect(totals.results + totals.drops).toBe(total);
      expect(totals.drops).toBeGreaterThanOrEqual(totals.timeouts);
      expect(totals.results).toBeGreaterThan(total / 2);
      for (const client of clients) expect(client.violations).toEqual([]);
    }, 60_000);
  },
);
