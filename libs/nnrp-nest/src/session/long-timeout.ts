/** Node clamps timer delays above 2³¹ − 1 ms to 1 ms; wire fields are u32 milliseconds. */
const MAX_TIMER_DELAY_MS = 0x7fffffff;

/** A cancellable timeout that may be longer than Node timers allow. */
export interface LongTimeout {
  clear(): void;
}

/**
 * Runs `fn` after `delayMs`, re-arming as often as needed for delays beyond Node's limit (a u32
 * `default_deadline_ms` or `drain_timeout_ms` of 2³² − 1 means "long", never "now").
 */
export function setLongTimeout(fn: () => void, delayMs: number, unref = false): LongTimeout {
  const due = performance.now() + delayMs;
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const left = due - performance.now();
    timer = setTimeout(
      left > MAX_TIMER_DELAY_MS ? arm : fn,
      Math.min(Math.max(0, left), MAX_TIMER_DELAY_MS),
    );
    if (unref) timer.unref();
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
