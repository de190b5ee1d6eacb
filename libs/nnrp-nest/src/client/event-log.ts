/** Removes a listener registered with an `on…` hook. */
export type Unsubscribe = () => void;

/** Where a listener's exception goes: never into the packet reader that called it. */
export type ListenerErrorSink = (error: unknown) => void;

/**
 * An append-only record of events with listener hooks: tests read the whole history
 * (`items`), tools react as events arrive (`subscribe`).
 */
export class EventLog<T> {
  private readonly entries: T[] = [];
  private readonly listeners = new Set<(item: T) => void>();

  constructor(private readonly onListenerError: ListenerErrorSink) {}

  /** Every event so far, oldest first. */
  get items(): readonly T[] {
    return this.entries;
  }

  /** Calls `listener` for every later event. */
  subscribe(listener: (item: T) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Records an event and tells the listeners. */
  push(item: T): void {
    this.entries.push(item);
    for (const listener of [...this.listeners]) {
      try {
        listener(item);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
