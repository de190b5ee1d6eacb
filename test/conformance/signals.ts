/**
 * How long a conformance test waits for an event before failing with a clear message: far
 * above what any event takes on a loaded machine, below Jest's own 20 s test timeout.
 */
export const EVENT_TIMEOUT_MS = 10_000;

interface Pending<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  fired: boolean;
}

/**
 * Keyed one-shot events between handlers and tests (a handler fires `"7/3"`, the test awaits
 * it), so tests wait for what happened instead of sleeping. Firing before anyone waits is fine.
 */
export class Signals<T = void> {
  private readonly pending = new Map<string, Pending<T>>();

  /** Fires `key` once; later fires of the same key are ignored. */
  fire(key: string, value: T): void {
    const entry = this.entry(key);
    if (entry.fired) return;
    entry.fired = true;
    entry.resolve(value);
  }

  /** Whether `key` has fired. */
  fired(key: string): boolean {
    return this.pending.get(key)?.fired === true;
  }

  /**
   * Resolves when `key` fires. Rejects after `timeoutMs` (a generous bound: reaching it means
   * the event never came), or never times out with `timeoutMs = 0`.
   */
  wait(key: string, timeoutMs = EVENT_TIMEOUT_MS): Promise<T> {
    const { promise } = this.entry(key);
    if (timeoutMs === 0) return promise;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`event ${key} did not happen`)), timeoutMs);
      timer.unref();
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private entry(key: string): Pending<T> {
    let entry = this.pending.get(key);
    if (!entry) {
      let resolve!: (value: T) => void;
      const promise = new Promise<T>((r) => (resolve = r));
      entry = { promise, resolve, fired: false };
      this.pending.set(key, entry);
    }
    return entry;
  }
}

/** Resolves with the first value `subscribe` delivers that satisfies `accept` (bounded wait). */
export function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean = () => true,
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error('expected event did not arrive'));
    }, timeoutMs);
    timer.unref();
    const unsubscribe = subscribe((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}
