import { ClientSession, NnrpClient } from '@nest-nnrp/nest';
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

/**
 * Well-behaved clients (one per handshake flow) that echo random bodies the whole run and check
 * every answer byte for byte: fuzzing other connections must never disturb them.
 */
export class ControlTraffic {
  readonly stats: ControlStats = { ok: 0, failed: 0, reconnects: 0, failures: [] };
  private readonly live = new Map<Handshake, ClientSession>();
  private readonly loops: Promise<void>[];
  private stopped = false;

  constructor(
    /** The server's current port (it changes when a crashed server is restarted). */
    private readonly port: () => number,
    private readonly rng: Rng,
  ) {
    this.loops = (['open', 'hello'] as const).map((flow) => this.run(flow));
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

  private async run(flow: Handshake): Promise<void> {
    while (!this.stopped) {
      let client: NnrpClient | undefined;
      try {
        client = await NnrpClient.connect({ tcp: { host: '127.0.0.1', port: this.port() } });
        const session = flow === 'hello' ? await client.hello() : await client.openSession();
        this.live.set(flow, session);
        await this.echoUntilStopped(session);
        for (const violation of client.violations) this.fail(`${flow}: ${violation.detail}`);
      } catch (error) {
        this.fail(`${flow}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.live.delete(flow);
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
