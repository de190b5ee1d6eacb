import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Runs `fn` in batches for about `ms` milliseconds; returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000, batch = 1000): number {
  for (let i = 0; i < batch; i++) fn(); // warm-up
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

/** Median of several runs of `measure`, with min and max. */
export function repeat(
  runs: number,
  measure: () => number,
): { median: number; min: number; max: number } {
  const values = Array.from({ length: runs }, measure).sort((a, b) => a - b);
  return {
    median: values[Math.floor(values.length / 2)],
    min: values[0],
    max: values[values.length - 1],
  };
}

/** Writes a JSON report under bench/results/ and returns its path. */
export function writeReport(name: string, report: unknown): string {
  const path = resolve(__dirname, '..', 'results', name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n',
  );
  return path;
}

/** Machine facts every report carries. */
export function machine(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os') as typeof import('node:os');
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
  };
}
