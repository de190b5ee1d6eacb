/** A promise together with the functions that settle it. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Creates a {@link Deferred}. */
export function createDeferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Marks a promise as handled without changing what its awaiters see: results nobody asked for
 * (a fire-and-forget frame on a connection that then closes) must not surface as unhandled
 * rejections and kill the test runner.
 */
export function markHandled(promise: Promise<unknown>): void {
  promise.catch(() => undefined);
}
