import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { waitUntil } from './wait-until';

// A full collection before each reading makes "bytes still referenced" measurable: without it,
// garbage not yet collected would hide (or fake) growth. `--expose-gc` can be turned on at run
// time; the function is then reachable from a fresh context.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const SETTLE_STEP_MS = 20;
const SETTLE_TOLERANCE = 256 * 1024;
const SETTLE_MAX_MS = 2000;

/** Bytes still referenced after a full GC: V8 heap plus Buffers / ArrayBuffers. */
export function retainedBytes(): number {
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
}

/** Bytes held by Buffers and ArrayBuffers after a full GC. */
export function retainedBufferBytes(): number {
  gc();
  return process.memoryUsage().arrayBuffers;
}

/**
 * A baseline of `measure` once earlier work has let go of its memory (sockets of a closed app
 * are released a few ticks after their close): readings 20 ms apart until two agree.
 */
export async function settledBaseline(measure: () => number): Promise<number> {
  const until = Date.now() + SETTLE_MAX_MS;
  let last = measure();
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    const now = measure();
    if (Math.abs(now - last) < SETTLE_TOLERANCE) return now;
    last = now;
  }
  return last;
}

/**
 * Buffer bytes still held over `baseline`: read until under `bound` (memory released a few ticks
 * after a close) or until waiting gives up; the caller asserts on the value.
 */
export async function buffersHeldOver(baseline: number, bound: number): Promise<number> {
  let held = Infinity;
  await waitUntil(() => {
    held = retainedBufferBytes() - baseline;
    return held < bound;
  }, 'buffers to be released').catch(() => undefined);
  return held;
}
