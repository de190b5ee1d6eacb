/** Machine-wide CPU accounting (Linux /proc), to tell how busy the rest of the machine was. */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux the bench runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds all cores spent busy since boot (everything but idle and iowait); 0 off Linux. */
export function busyCpuSeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, t) => sum + t, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return (total - idle) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The 1-minute load average. */
export function loadAverage1m(): number {
  return loadavg()[0];
}
