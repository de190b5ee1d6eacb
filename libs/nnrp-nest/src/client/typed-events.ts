import type { ListenerErrorSink, Unsubscribe } from './event-log';

/** An event map: event name → listener signature. */
export type EventSignatures<E> = { [K in keyof E]: (...args: never[]) => void };

/**
 * A minimal typed event hub. Unlike `EventEmitter`, an `error` event without listeners does not
 * throw, and a throwing listener is reported instead of breaking the caller.
 */
export class TypedEvents<E extends EventSignatures<E>> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  constructor(private readonly onListenerError: ListenerErrorSink) {}

  /** Registers `listener` for `event`. */
  on<K extends keyof E>(event: K, listener: E[K]): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Calls every listener of `event` with `args`. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...values: Parameters<E[K]>) => void)(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
