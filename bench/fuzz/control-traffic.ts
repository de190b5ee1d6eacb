import { ClientSession, NnrpClient } from '@nest-nnrp/nest';
import { FuzzEndpoint } from './fuzz-target';
import { RawCarrier } from './raw-wire';
import { Rng } from './rng';
import { Handshake } from './seed-packets';

/** Frames each control session keeps in flight (under the default per-session limit of 4). */
const WINDOW = 2;
const MAX_BODY = 2048;
const RECONNECT_DELAY_MS = 100;
/** A control frame that takes this long to be answered counts as failed. */
const ANSWER_TIMEOUT_MS = 5000;

/** One failed control exchange, and when (`performance.now()`), to tell crash fallout apart. */
export interface ControlFailure {
  readonly at: number;
  readonly message: string;
}

/** What the well-behaved control sessions saw. */
export interface ControlStats {
  ok: number;
  failed: number;
  reconnects: number;
  readonly failures: ControlFailure[];
}

/** One well-behaved client: its handshake flow and how it connects. */
export interface ControlLane {
  readonly flow: Handshake;
  readonly carrier: RawCarrier;
}

/** The control lanes for a server with (or without) a QUIC listener: each flow, each carrier. */
export function controlLanes(withQuic: boolean): ControlLane[] {
  const lanes: ControlLane[] = [
    { flow: 'open', carrier: 'tcp' },
    { flow: 'hello', carrier: 'tcp' },
  ];
  // Rust clients use the bidi model, Python clients the uni model (control-plane.md §2.2).
  if (withQuic)
    lanes.push({ flow: 'open', carrier: 'quic-bidi' }, { flow: 'hello', carrier: 'quic-uni' });
  return lanes;
}

/**
 * Well-behaved clients (one per lane: handshake flow and carrier) that echo random bodies the
 * whole run and check every answer byte for byte: fuzzing other connections must never disturb
 * them.
 */
export class ControlTraffic {
  readonly stats: ControlStats = { ok: 0, failed: 0, reconnects: 0, failures: [] };
  private readonly live = new Map<ControlLane, ClientSession>();
  private readonly loops: Promise<void>[];
  private stopped = false;

  constructor(
    /** Where a lane connects now (the server's ports change when a crashed one is restarted). */
    private readonly endpoint: (carrier: RawCarrier) => FuzzEndpoint,
    private readonly rng: Rng,
    readonly lanes: readonly ControlLane[],
  ) {
    this.loops = lanes.map((lane) => this.run(lane));
  }

  /** Ids of the control sessions right now (targets of the foreign-session attacks). */
  sessionIds(): number[] {
    return [...this.live.values()].map((s) => s.id);
  }

  /** Stops the loops, waits for their frames, closes the clients. */
  async stop(): Promise<ControlStats> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.stats;
  }

  private fail(message: string): void {
    this.stats.failed++;
    this.stats.failures.push({ at: performance.now(), message });
  }

  private async run(lane: ControlLane): Promise<void> {
    const name = `${lane.flow} over ${lane.carrier}`;
    while (!this.stopped) {
      let client: NnrpClient | undefined;
      try {
        client = await connectControl(this.endpoint(lane.carrier));
        const session = lane.flow === 'hello' ? await client.hello() : await client.openSession();
        this.live.set(lane, session);
        await this.echoUntilStopped(session);
        for (const violation of client.violations) this.fail(`${name}: ${violation.detail}`);
      } catch (error) {
        this.fail(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.live.delete(lane);
        await client?.destroy();
      }
      if (!this.stopped) {
        this.stats.reconnects++;
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    }
  }

  private async echoUntilStopped(session: ClientSession): Promise<void> {
    const lanes = Array.from({ length: WINDOW }, async () => {
      while (!this.stopped) await this.echoOnce(session);
    });
    await Promise.all(lanes);
  }

  private async echoOnce(session: ClientSession): Promise<void> {
    const body = this.rng.bytes(this.rng.range(1, MAX_BODY));
    const call = session.submit(body, { payloadKindBitmap: 2 });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ANSWER_TIMEOUT_MS);
    });
    const outcome = await Promise.race([call.done, timeout]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') throw new Error(`frame ${call.frameId} unanswered`);
    if (outcome.kind !== 'result') throw new Error(`frame ${call.frameId} dropped`);
    if (!outcome.body.equals(body)) throw new Error(`frame ${call.frameId}: wrong echo`);
    this.stats.ok++;
  }
}

function connectControl(endpoint: FuzzEndpoint): Promise<NnrpClient> {
  const host = '127.0.0.1';
  if (endpoint.carrier === 'tcp') return NnrpClient.connect({ tcp: { host, port: endpoint.port } });
  return NnrpClient.connect({
    quic: { host, port: endpoint.port, ca: endpoint.ca },
    uniSubmits: endpoint.carrier === 'quic-uni',
  });
}
