import { NnrpClient } from '@nest-nnrp/nest';
import { AttackGenerator } from './attack-generator';
import { AttackKind } from './attack-script';
import { AttackOutcome, ConnectionOutcome, runAttack } from './attack-runner';
import { loadConformanceSeeds } from './conformance-seeds';
import { ControlTraffic } from './control-traffic';
import { FindingLog } from './finding';
import { FuzzConfig } from './fuzz-config';
import { FuzzReport, megabytes } from './fuzz-report';
import { FUZZ_MAX_BODY_BYTES, FUZZ_MAX_META_LEN } from './fuzz-server-options';
import { FuzzTarget, ServerStats } from './fuzz-target';
import { Rng } from './rng';

const SAMPLE_MS = 250;
const PROGRESS_MS = 5000;
const CONTROL_READY_MS = 5000;
/** After the run, the server gets this long to close what the fuzzer left. */
const SETTLE_MS = 5000;
const POLL_MS = 20;
const MIB = 1024 * 1024;
/** Seed offset of the control traffic, so it does not mirror the attacks' random stream. */
const CONTROL_SEED_SALT = 0x9e3779b9;

/** Hooks of a run (the CLI prints progress; jest passes nothing). */
export interface FuzzRunOptions {
  readonly onProgress?: (line: string) => void;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function increment<K extends string>(histogram: Partial<Record<K, number>>, key: K): void {
  histogram[key] = (histogram[key] ?? 0) + 1;
}

/**
 * One fuzz run against `target`: `config.connections` workers open hostile connections from an
 * {@link AttackGenerator} until the packet count or the time bound is reached, while
 * {@link ControlTraffic} checks echo answers and a sampler watches the server's RSS and life.
 */
export async function runFuzz(
  target: FuzzTarget,
  config: FuzzConfig,
  options: FuzzRunOptions = {},
): Promise<FuzzReport> {
  return new FuzzRun(target, config, options).run();
}

class FuzzRun {
  private readonly findings = new FindingLog();
  private readonly outcomes: Partial<Record<ConnectionOutcome, number>> = {};
  private readonly attacks: Partial<Record<AttackKind, number>> = {};
  private readonly errorCodes: Record<string, number> = {};
  private packets = 0;
  private connections = 0;
  private peakRss = 0;
  private lastStats: ServerStats | undefined;
  private stopSampling = false;
  private rssFindingMade = false;
  private readonly started = performance.now();
  private readonly deadline: number;

  constructor(
    private readonly target: FuzzTarget,
    private readonly config: FuzzConfig,
    private readonly options: FuzzRunOptions,
  ) {
    this.deadline = this.started + config.seconds * 1000;
  }

  async run(): Promise<FuzzReport> {
    const baseline = await this.target.stats();
    this.peakRss = baseline.peakRss;
    const control = new ControlTraffic(
      this.target.port,
      new Rng(this.config.seed ^ CONTROL_SEED_SALT),
    );
    await this.waitFor(() => control.sessionIds().length === 2, CONTROL_READY_MS);
    const generator = new AttackGenerator(this.config.seed, {
      seeds: loadConformanceSeeds(),
      maxMetaLen: FUZZ_MAX_META_LEN,
      maxBodyLen: FUZZ_MAX_BODY_BYTES,
      foreignSessionIds: () => control.sessionIds(),
    });
    const sampler = this.sample();
    const progress = setInterval(() => this.progress(control), PROGRESS_MS);
    await Promise.all(
      Array.from({ length: this.config.connections }, () => this.worker(generator)),
    );
    clearInterval(progress);
    const controlStats = await control.stop();
    for (const failure of controlStats.failures) {
      this.findings.add({ kind: 'control-failure', detail: failure });
    }
    await this.checkStillAnswering();
    const connectionsAfter = await this.connectionsAfterSettling();
    this.stopSampling = true;
    await sampler;
    const crash = this.target.crashed();
    if (crash) this.findings.add({ kind: 'crash', detail: crash });
    const seconds = (performance.now() - this.started) / 1000;
    return {
      config: this.config,
      durationSeconds: seconds,
      packetsSent: this.packets,
      packetsPerSecond: this.packets / seconds,
      connections: this.connections,
      crashes: crash ? 1 : 0,
      server: {
        baselineRssMb: megabytes(baseline.rss),
        peakRssMb: megabytes(this.peakRss),
        finalRssMb: megabytes(this.lastStats?.rss ?? 0),
        rssCeilingMb: this.config.rssCeilingMb,
        connectionsAfter,
      },
      control: controlStats,
      outcomes: this.outcomes,
      attacks: this.attacks,
      errorCodes: this.errorCodes,
      findings: {
        total: this.findings.total,
        byKind: this.findings.byKind(),
        examples: this.findings.examples(),
      },
    };
  }

  private running(): boolean {
    return (
      this.packets < this.config.packets &&
      performance.now() < this.deadline &&
      this.target.crashed() === undefined
    );
  }

  private async worker(generator: AttackGenerator): Promise<void> {
    const timing = { answerMs: this.config.answerMs, hangMs: this.config.hangMs };
    while (this.running()) {
      this.record(await runAttack(this.target.port, generator.next(), timing));
    }
  }

  private record(outcome: AttackOutcome): void {
    this.connections++;
    this.packets += outcome.packets;
    increment(this.outcomes, outcome.outcome);
    increment(this.attacks, outcome.kind);
    for (const code of outcome.errorCodes) increment(this.errorCodes, `0x${code.toString(16)}`);
    for (const finding of outcome.findings) this.findings.add(finding);
  }

  /** Samples the server's RSS and liveness until the run is over. */
  private async sample(): Promise<void> {
    while (!this.stopSampling) {
      try {
        const stats = await this.target.stats();
        this.lastStats = stats;
        this.peakRss = Math.max(this.peakRss, stats.peakRss, stats.rss);
        if (this.peakRss > this.config.rssCeilingMb * MIB && !this.rssFindingMade) {
          this.rssFindingMade = true;
          this.findings.add({
            kind: 'rss-ceiling',
            detail: `RSS ${megabytes(this.peakRss)} MiB over ${this.config.rssCeilingMb} MiB`,
          });
        }
      } catch (error) {
        if (this.target.crashed()) return;
        this.findings.add({ kind: 'stats-unresponsive', detail: (error as Error).message });
      }
      await delay(SAMPLE_MS);
    }
  }

  /** After the fuzzing, a fresh client must still get a correct echo. */
  private async checkStillAnswering(): Promise<void> {
    if (this.target.crashed()) return;
    let client: NnrpClient | undefined;
    try {
      client = await NnrpClient.connect({ tcp: { host: '127.0.0.1', port: this.target.port } });
      const session = await client.openSession();
      const body = Buffer.from('still answering');
      const outcome = await session.submit(body, { payloadKindBitmap: 2 }).done;
      if (outcome.kind !== 'result' || !outcome.body.equals(body)) throw new Error('wrong answer');
    } catch (error) {
      this.findings.add({
        kind: 'control-failure',
        detail: `server not answering after the run: ${(error as Error).message}`,
      });
    } finally {
      await client?.destroy();
    }
  }

  /** Every fuzz and control connection is gone: the server must get back to none. */
  private async connectionsAfterSettling(): Promise<number> {
    if (this.target.crashed()) return 0;
    let connections = Number.NaN;
    await this.waitFor(async () => {
      connections = (await this.target.stats()).connections;
      return connections === 0;
    }, SETTLE_MS);
    if (connections !== 0) {
      this.findings.add({
        kind: 'connection-leak',
        detail: `${connections} connection(s) left open`,
      });
    }
    return connections;
  }

  private async waitFor(condition: () => boolean | Promise<boolean>, ms: number): Promise<void> {
    const until = performance.now() + ms;
    while (!(await condition()) && performance.now() < until) await delay(POLL_MS);
  }

  private progress(control: ControlTraffic): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.options.onProgress?.(
      `${seconds.toFixed(0)} s: ${this.packets.toLocaleString('en-US')} packets, ${this.connections} connections, ` +
        `peak RSS ${megabytes(this.peakRss)} MiB, control ok ${control.stats.ok} failed ${control.stats.failed}, ` +
        `findings ${this.findings.total}`,
    );
  }
}
