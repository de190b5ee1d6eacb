import { loadAverage1m } from './system-cpu';

export interface QuietOutcome {
  quiet: boolean;
  load: number;
  waitedSeconds: number;
}

/**
 * Waits until the 1-minute load average drops below `threshold` (other work on a 2-core machine
 * skews every figure), polling every `pollMs`, for at most `maxMs`; then reports either way.
 */
export async function waitForQuiet(
  threshold: number,
  pollMs: number,
  maxMs: number,
  log: (line: string) => void,
): Promise<QuietOutcome> {
  const start = Date.now();
  for (;;) {
    const load = loadAverage1m();
    const waitedSeconds = (Date.now() - start) / 1000;
    if (load < threshold) return { quiet: true, load, waitedSeconds };
    if (Date.now() - start + pollMs > maxMs) return { quiet: false, load, waitedSeconds };
    log(`load ${load.toFixed(2)} >= ${threshold}, waiting (${Math.round(waitedSeconds)} s so far)`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
