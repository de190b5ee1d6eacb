import { createDeferred, Deferred } from './deferred';

/** One pending wait: what the waiter asked for and how to answer it. */
export interface Waiter<T, C> {
  /** What the request was (e.g. the metadata it sent), for checking the answer. */
  readonly context: C;
  readonly deferred: Deferred<T>;
}

/**
 * First-in, first-out waiters for answers that carry no correlation id on the wire (acks,
 * PONG): the n-th answer belongs to the n-th request.
 */
export class WaiterQueue<T, C = undefined> {
  private readonly waiters: Waiter<T, C>[] = [];

  /** Number of requests still waiting. */
  get size(): number {
    return this.waiters.length;
  }

  /** The oldest waiter, without removing it. */
  peek(): Waiter<T, C> | undefined {
    return this.waiters[0];
  }

  /** Queues a waiter; the promise settles when its answer arrives or the queue is failed. */
  wait(context: C): Promise<T> {
    const deferred = createDeferred<T>();
    this.waiters.push({ context, deferred });
    return deferred.promise;
  }

  /** Removes and returns the oldest waiter. */
  takeNext(): Waiter<T, C> | undefined {
    return this.waiters.shift();
  }

  /** Removes and returns the oldest waiter matching `predicate`. */
  takeFirst(predicate: (context: C) => boolean): Waiter<T, C> | undefined {
    const index = this.waiters.findIndex((waiter) => predicate(waiter.context));
    return index < 0 ? undefined : this.waiters.splice(index, 1)[0];
  }

  /** Rejects and removes every waiter. */
  rejectAll(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.deferred.reject(error);
  }
}
