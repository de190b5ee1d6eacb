/**
 * The frame ids a session answered recently, to refuse duplicates (decisions.md §15) without
 * remembering every id for the session's whole life: a bounded FIFO set.
 */
export class RecentFrameIds {
  private readonly ids = new Set<number>();
  /** Grows with use up to `capacity`, then wraps: an idle or parked session costs nothing. */
  private readonly order: number[] = [];
  private next = 0;

  constructor(private readonly capacity = 4096) {}

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Remembers `id`; returns the id that fell out of the window, if any. */
  add(id: number): number | undefined {
    if (this.ids.has(id)) return undefined;
    this.ids.add(id);
    if (this.order.length < this.capacity) {
      this.order.push(id);
      return undefined;
    }
    const evicted = this.order[this.next];
    this.ids.delete(evicted);
    this.order[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    return evicted;
  }
}
