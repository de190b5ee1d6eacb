import { NnrpClient } from '@nest-nnrp/nest';
import { AttackGenerator } from './attack-generator';
import { AttackKind, AttackScript } from './attack-script';
import { AttackOutcome, ConnectionOutcome, runAttack } from './attack-runner';
import { loadConformanceSeeds } from './conformance-seeds';
import { controlLanes, ControlTraffic } from './control-traffic';
import { FindingLog } from './finding';
import { FuzzConfig } from './fuzz-config';
import { AttackTally, FuzzReport, megabytes } from './fuzz-report';
import { FUZZ_MAX_BODY_BYTES, FUZZ_MAX_META_LEN } from './fuzz-server-options';
import { endpointOf, FuzzTarget, ServerStats } from './fuzz-target';
import { RawCarrier } from './raw-wire';
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
/** Heap and buffers a server may still reference after a run, over its start (caches, JIT). */
const RETAINED_GROWTH_LIMIT_MB = 32;
/** How long a crash may take to be reported after the connections it cut. */
const CRASH_NOTICE_MS = 500;
/** Finished scripts a crash report lists besides those in flight. */
const RECENT_SCRIPTS = 16;

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
  private readonly attacks: Partial<Record<AttackKind, AttackTally>> = {};
  private readonly carriers: Partial<Record<RawCarrier, AttackTally>> = {};
  private readonly errorCodes: Record<string, number> = {};
  private packets = 0;
  private connections = 0;
  private peakRss = 0;
  private lastStats: ServerStats | undefined;
  private stopSampling = false;
  private crashes = 0;
  private restarting: Promise<void> | undefined;
  private crashRecorded = false;
  /** From a crash's notice (less the time it takes to notice) to the end of its restart. */
  private readonly crashWindows: { from: number; to: number }[] = [];
  /** Scripts on the wire right now: a crash names them (kind and replay seed). */
  private readonly inFlight = new Set<AttackScript>();
  /** The last scripts that finished: a crash can come just after its trigger disconnected. */
  private readonly recent: AttackScript[] = [];
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
    const baseline = await this.target.stats(true);
    this.peakRss = baseline.peakRss;
    const control = new ControlTraffic(
      (carrier) => endpointOf(this.target, carrier),
      new Rng(this.config.seed ^ CONTROL_SEED_SALT),
      controlLanes(this.target.quic !== undefined),
    );
    await this.waitFor(
      () => control.sessionIds().length === control.lanes.length,
      CONTROL_READY_MS,
    );
    const generator = new AttackGenerator(this.config.seed, {
      skip: this.config.skip,
      seeds: loadConformanceSeeds(),
      maxMetaLen: FUZZ_MAX_META_LEN,
      maxBodyLen: FUZZ_MAX_BODY_BYTES,
      foreignSessionIds: () => control.sessionIds(),
      carriers: this.config.carriers,
    });
    const sampler = this.sample();
    const progress = setInterval(() => this.progress(control), PROGRESS_MS);
    await Promise.all(
      Array.from({ length: this.config.connections }, () => this.worker(generator)),
    );
    clearInterval(progress);
    const controlStats = await control.stop();
    // A crash cuts the control sessions too, and they fail until the restart: that fallout is
    // the crash's; any other failure is a finding of its own.
    const ownFailures = controlStats.failures.filter((f) => !this.aroundCrash(f.at));
    for (const failure of ownFailures) {
      this.findings.add({ kind: 'control-failure', detail: failure.message });
    }
    await this.checkStillAnswering();
    const connectionsAfter = await this.connectionsAfterSettling();
    this.stopSampling = true;
    await sampler;
    await this.restarting;
    const retainedGrowth = await this.checkRetained(baseline);
    // The run is over: a crash now is recorded, not restarted.
    this.watchCrash(false);
    const seconds = (performance.now() - this.started) / 1000;
    return {
      config: this.config,
      durationSeconds: seconds,
      packetsSent: this.packets,
      packetsPerSecond: this.packets / seconds,
      connections: this.connections,
      crashes: this.crashes,
      server: {
        baselineRssMb: megabytes(baseline.rss),
        peakRssMb: megabytes(this.peakRss),
        finalRssMb: megabytes(this.lastStats?.rss ?? 0),
        rssCeilingMb: this.config.rssCeilingMb,
        retainedGrowthMb: retainedGrowth === null ? null : megabytes(retainedGrowth),
        connectionsAfter,
      },
      control: {
        ok: controlStats.ok,
        failed: controlStats.failed,
        failedAroundCrashes: controlStats.failed - ownFailures.length,
        reconnects: controlStats.reconnects,
      },
      outcomes: this.outcomes,
      attacks: this.attacks,
      carriers: this.carriers,
      errorCodes: this.errorCodes,
      findings: {
        total: this.findings.total,
        byKind: this.findings.byKind(),
        examples: this.findings.examples(),
      },
    };
  }

  private running(): boolean {
    return this.packets < this.config.packets && performance.now() < this.deadline;
  }

  private async worker(generator: AttackGenerator): Promise<void> {
    const timing = { answerMs: this.config.answerMs, hangMs: this.config.hangMs };
    while (this.running() && (await this.serverUp())) {
      const script = generator.next();
      const crashesBefore = this.crashes;
      this.inFlight.add(script);
      const outcome = await runAttack(endpointOf(this.target, script.carrier), script, timing);
      this.inFlight.delete(script);
      this.recent.push(script);
      if (this.recent.length > RECENT_SCRIPTS) this.recent.shift();
      // A connection cut by a crash proves nothing by itself; the crash is the finding. The
      // server's exit can be reported just after its sockets closed: give it that moment.
      if (outcome.findings.length > 0) await delay(CRASH_NOTICE_MS);
      this.watchCrash();
      const crashed = this.crashes !== crashesBefore || this.target.crashed() !== undefined;
      this.record(
        crashed ? { ...outcome, outcome: 'interrupted-by-crash', findings: [] } : outcome,
        script.carrier,
      );
    }
  }

  /** False when the server is dead for good (crashed, and the target cannot restart). */
  private async serverUp(): Promise<boolean> {
    this.watchCrash();
    if (this.restarting) await this.restarting;
    return this.target.crashed() === undefined;
  }

  /**
   * Records a crash once, with the scripts on the wire, and restarts the server when the
   * target can (workers wait for the restart). Called by the workers and the sampler.
   */
  private watchCrash(restartAllowed = true): void {
    if (this.restarting || this.target.crashed() === undefined) return;
    if (this.crashRecorded) return;
    this.recordCrash();
    const restart = this.target.restart?.bind(this.target);
    const window = { from: performance.now() - CRASH_NOTICE_MS - SAMPLE_MS, to: Infinity };
    this.crashWindows.push(window);
    if (!restart || !restartAllowed) return;
    this.restarting = restart().finally(() => {
      window.to = performance.now() + CRASH_NOTICE_MS;
      this.restarting = undefined;
      this.crashRecorded = false;
    });
  }

  private aroundCrash(at: number): boolean {
    return this.crashWindows.some((w) => at >= w.from && at <= w.to);
  }

  private recordCrash(): void {
    this.crashRecorded = true;
    this.crashes++;
    const name = (s: AttackScript): string => `${s.kind} over ${s.carrier} (seed ${s.seed})`;
    this.findings.add({
      kind: 'crash',
      detail:
        `${this.target.crashed()}\nconnections in flight: ${[...this.inFlight].map(name).join(', ')}` +
        `\nlast finished: ${this.recent.map(name).join(', ')}`,
    });
  }

  private record(outcome: AttackOutcome, carrier: RawCarrier): void {
    this.connections++;
    this.packets += outcome.packets;
    increment(this.outcomes, outcome.outcome);
    for (const tally of [
      (this.attacks[outcome.kind] ??= { connections: 0, packets: 0, outcomes: {} }),
      (this.carriers[carrier] ??= { connections: 0, packets: 0, outcomes: {} }),
    ]) {
      tally.connections++;
      tally.packets += outcome.packets;
      increment(tally.outcomes, outcome.outcome);
    }
    for (const code of outcome.errorCodes) increment(this.errorCodes, `0x${code.toString(16)}`);
    for (const finding of outcome.findings) this.findings.add(finding);
  }

  /** Samples the server's RSS and liveness until the run is over. */
  private async sample(): Promise<void> {
    while (!this.stopSampling) {
      this.watchCrash();
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
        // A dead server does not answer; the crash is recorded by the workers.
        if (!this.target.crashed() && !this.restarting) {
          this.findings.add({ kind: 'stats-unresponsive', detail: (error as Error).message });
        }
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

  /**
   * With every connection gone, what the server still references (heap and buffers, after a
   * full GC) must be back near the start: more is a leak. `null` when it cannot be measured.
   */
  private async checkRetained(baseline: ServerStats): Promise<number | null> {
    if (this.target.crashed() || this.crashes > 0) return null; // another process than at start
    if (this.target.ownHeap === false) return null; // the fuzzer's records share the heap
    const final = await this.target.stats(true);
    const growth = final.heapUsed + final.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers;
    if (growth > RETAINED_GROWTH_LIMIT_MB * MIB) {
      this.findings.add({
        kind: 'memory-leak',
        detail: `${megabytes(growth)} MiB more referenced after the run than before it`,
      });
    }
    return growth;
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
