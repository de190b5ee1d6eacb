import type { LoadResult } from '../support/bench-client';

const MIB = 1024 * 1024;

/**
 * Collects what the comparison's own clients (Nest TCP, gRPC) measure, in the shape of the NNRP
 * load client's {@link LoadResult} so every row of the comparison reads the same way.
 */
export class LoadRecorder {
  /** Completed requests so far, timeouts included (the watchdog reads it as progress). */
  frames = 0;
  private drops = 0;
  private bytes = 0;
  private readonly latencies: number[] = [];
  private readonly start = performance.now();
  private readonly stopAt: number;

  constructor(durationMs: number) {
    this.stopAt = this.start + durationMs;
  }

  /** Whether new requests may still be issued. */
  get running(): boolean {
    return performance.now() < this.stopAt;
  }

  /** Records one request that ended: answered with `bytes` of payload, or timed out. */
  record(startedAt: number, bytes: number, timedOut: boolean): void {
    this.latencies.push((performance.now() - startedAt) * 1000);
    this.frames++;
    this.bytes += bytes;
    if (timedOut) this.drops++;
  }

  result(): LoadResult {
    const seconds = (performance.now() - this.start) / 1000;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number): number =>
      sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return {
      frames: this.frames,
      drops: this.drops,
      seconds,
      framesPerSecond: this.frames / seconds,
      mibPerSecond: this.bytes / seconds / MIB,
      p50Us: pct(0.5),
      p99Us: pct(0.99),
      p999Us: pct(0.999),
    };
  }
}
