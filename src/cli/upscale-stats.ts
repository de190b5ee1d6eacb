import type { LatencySummary } from './latency-stats';

/** What an upscale run measured. */
export interface UpscaleStats {
  readonly carrier: 'tcp' | 'quic';
  readonly tiles: number;
  /** Frames the image was cut into. */
  readonly frames: number;
  /** FRAME_SUBMITs sent, resubmissions of dropped tiles included. */
  readonly submits: number;
  /** Submits answered with RESULT_DROP. */
  readonly drops: number;
  /** Frames kept in flight (the request, capped by the server's limit). */
  readonly inFlight: number;
  /** From the first submit to the last answer (connecting and the handshake excluded). */
  readonly seconds: number;
  readonly tilesPerSecond: number;
  /** Submit → terminal RESULT_PUSH, over the submits answered with a result. */
  readonly latency: LatencySummary;
}

/** The summary the CLI prints on stdout. */
export function formatUpscaleStats(stats: UpscaleStats): string {
  const ms = (value: number): string => (Number.isNaN(value) ? '-' : `${value.toFixed(1)} ms`);
  return [
    `tiles       ${stats.tiles} in ${stats.frames} frames over ${stats.carrier.toUpperCase()}, ` +
      `${stats.inFlight} in flight`,
    `throughput  ${stats.tilesPerSecond.toFixed(1)} tiles/s (${stats.seconds.toFixed(2)} s)`,
    `latency     p50 ${ms(stats.latency.p50Ms)}, p99 ${ms(stats.latency.p99Ms)} per frame`,
    `drops       ${stats.drops} of ${stats.submits} submits`,
  ].join('\n');
}
