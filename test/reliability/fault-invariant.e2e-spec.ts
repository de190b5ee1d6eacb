import { ClientSession, FrameCall, NnrpClient, NnrpEngine } from '@nest-nnrp/nest';
import { Rng } from '../../bench/fuzz/rng';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { EngineEventCounter } from '../support/engine-event-counter';
import { FaultController, FaultRoute } from '../support/fault-controller';
import { FrameProbe } from '../support/frame-probe';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';
import { rawSubmit } from '../support/raw-packets';
import { SettlementSpy } from '../support/settlement-spy';
import { waitUntil } from '../support/wait-until';
import { WireAnswerLedger } from '../support/wire-answer-ledger';

const LANES = 6;
const FRAMES_PER_LANE = 400;
/** More than the session limit (8): some submits are refused for overload. */
const WINDOW = 10;
const CUT_PROBABILITY = 0.015;
const BUDGET_MS = 30;
const TOKEN = { payloadKindBitmap: 2 } as const;

/** How a lane cuts its connection, with frames in flight. */
type Cut = 'destroy' | 'half-packet' | 'connection-close';
const CUTS: readonly Cut[] = ['destroy', 'half-packet', 'connection-close'];

/** One frame with a random behaviour: handler outcome, deadline, cancel, large result. */
function submitRandom(session: ClientSession, rng: Rng): FrameCall {
  const roll = rng.next();
  const budget = { metadata: { ...TOKEN, latencyBudgetMs: BUDGET_MS } };
  if (roll < 0.35) return session.submit(Buffer.from('echo'), TOKEN);
  if (roll < 0.55)
    return session.submit(Buffer.from(String(rng.int(15))), { routeId: Route.sleep, ...TOKEN });
  if (roll < 0.62) return session.submit(Buffer.alloc(0), { routeId: Route.throws, ...TOKEN });
  if (roll < 0.69) return session.submit(Buffer.alloc(0), { routeId: Route.stream, ...TOKEN });
  if (roll < 0.74) return session.submit(Buffer.alloc(0), { routeId: Route.never, ...budget });
  if (roll < 0.78) return session.submit(Buffer.alloc(0), { routeId: Route.late, ...budget });
  if (roll < 0.82)
    return session.submit(Buffer.alloc(0), { routeId: FaultRoute.lateReject, ...budget });
  if (roll < 0.93) {
    const route = roll < 0.86 ? FaultRoute.lateStream : Route.sleep;
    const call = session.submit(Buffer.from('20'), { routeId: route, ...TOKEN });
    setTimeout(() => {
      try {
        if (!call.settled) session.cancel(call.frameId);
      } catch {
        // The lane cut this connection meanwhile: nothing left to cancel.
      }
    }, rng.int(10));
    return call;
  }
  return session.submit(Buffer.from('256'), { routeId: FaultRoute.big, ...TOKEN });
}

/** What one connection of a lane did. */
interface ConnectionRecord {
  readonly sessionId: number;
  readonly client: NnrpClient;
  readonly frameIds: number[];
  cut?: Cut;
}

describe.each(CARRIER_MODES)(
  '§11 under random faults: one terminal answer per frame, or counted as dropped, over %s',
  (mode) => {
    let server: NnrpTestApp;
    let spy: SettlementSpy;
    const events = new EngineEventCounter();
    const ledger = new WireAnswerLedger();

    beforeAll(async () => {
      server = await startNnrpTestApp(
        [BehaviourController, FaultController],
        { events, profile: { maxInFlightPerSession: 8 } },
        [FrameProbe],
        mode,
      );
      spy = new SettlementSpy(server.transport.unwrap<NnrpEngine>());
    });
    afterAll(async () => {
      await destroyClients();
      await server.close();
    });

    let nextSessionId = 7000;

    /** Opens connections one after another, cutting some, until the lane's frames are sent. */
    async function lane(seed: number): Promise<ConnectionRecord[]> {
      const rng = new Rng(seed);
      const records: ConnectionRecord[] = [];
      let remaining = FRAMES_PER_LANE;
      while (remaining > 0) {
        const client = await connectClient(server);
        ledger.watch(client);
        const record: ConnectionRecord = { sessionId: nextSessionId++, client, frameIds: [] };
        records.push(record);
        const session = await client.openSession({
          ...TOKEN_SESSION,
          requestedSessionId: record.sessionId,
        });
        const inFlight = new Set<Promise<unknown>>();
        while (remaining > 0 && !record.cut) {
          while (inFlight.size < WINDOW && remaining > 0 && !record.cut) {
            remaining--;
            const call = submitRandom(session, rng);
            record.frameIds.push(call.frameId);
            // A cut connection fails its pending calls: that is expected, not an error.
            const settled = call.done
              .catch(() => undefined)
              .finally(() => inFlight.delete(settled));
            inFlight.add(settled);
            if (rng.chance(CUT_PROBABILITY)) record.cut = rng.pick(CUTS);
          }
          if (!record.cut) await Promise.race(inFlight);
        }
        if (record.cut) await cut(record, session);
        else await Promise.all(inFlight);
      }
      return records;
    }

    async function cut(record: ConnectionRecord, session: ClientSession): Promise<void> {
      const { client } = record;
      if (record.cut === 'connection-close') {
        await client.closeConnection('fault injection');
        return;
      }
      if (record.cut === 'half-packet') {
        const submit = rawSubmit(session.id, 0xfffff, Route.echo, Buffer.alloc(64));
        client.sendRaw(submit.subarray(0, 60));
      }
      await client.destroy();
    }

    it('holds for every frame of 6 lanes × 400 frames with cuts, deadlines, cancels, throws', async () => {
      const rng = new Rng(20261121);
      const records = (
        await Promise.all(Array.from({ length: LANES }, () => lane(rng.u32())))
      ).flat();
      const cuts = records.filter((r) => r.cut);
      const kept = records.filter((r) => !r.cut);
      expect(cuts.length).toBeGreaterThan(0);

      // Server side: every accepted frame settles, exactly once, nothing written after a drop.
      await waitUntil(() => events.settled === events.accepted, 'every accepted frame to settle');
      expect(spy.frames).toBe(events.accepted);
      expect(spy.broken()).toEqual([]);

      // Wire side: partials, one terminal answer, nothing after it — on every connection.
      expect(ledger.broken()).toEqual([]);
      for (const { client } of records) expect(client.violations).toEqual([]);

      // Connections that stayed up: every frame answered.
      const unanswered = kept.flatMap((r) =>
        r.frameIds
          .filter((id) => !ledger.answered(r.sessionId, id))
          .map((id) => `${r.sessionId}:${id}`),
      );
      expect(unanswered).toEqual([]);

      // Cut connections: frames in flight at the cut were counted as dropped server-side
      // (connection lost, or session closed by the CLOSE), and only frames the client never
      // heard of can have been.
      const unheard = cuts.flatMap((r) =>
        r.frameIds.filter((id) => !ledger.answered(r.sessionId, id)).map((id) => ({ r, id })),
      );
      const lostOnCut = unheard.filter(
        ({ r, id }) => spy.outcome(r.sessionId, id) === 'connection-lost',
      ).length;
      expect(lostOnCut).toBeGreaterThan(0);
      expect(events.drops('connection-lost')).toBe(lostOnCut);
      for (const record of kept) {
        for (const frameId of record.frameIds) {
          expect(spy.outcome(record.sessionId, frameId)).not.toBe('connection-lost');
        }
      }
    }, 60_000);
  },
);
