import type { NnrpSession } from './nnrp-session';

const FIRST_SESSION_ID = 1;
const MAX_SESSION_ID = 0xffffffff;

/**
 * Server-wide session ids (decisions.md §7–8): live sessions, and detached resumable sessions
 * waiting for their client inside the resume window.
 */
export class SessionRegistry {
  private readonly live = new Map<number, NnrpSession>();
  private readonly detached = new Map<number, { session: NnrpSession; timer: NodeJS.Timeout }>();

  /** Number of live and detached sessions. */
  get size(): number {
    return this.live.size + this.detached.size;
  }

  /** True when `id` is taken by a live or detached session. */
  has(id: number): boolean {
    return this.live.has(id) || this.detached.has(id);
  }

  get(id: number): NnrpSession | undefined {
    return this.live.get(id);
  }

  /** Detached session waiting for resume, if any. */
  getDetached(id: number): NnrpSession | undefined {
    return this.detached.get(id)?.session;
  }

  /**
   * The id for a new session: the requested one when free, the lowest free id ≥ 1 for a
   * request of 0, `undefined` when the requested id is taken (LIMIT_REACHED).
   */
  allocate(requested: number): number | undefined {
    if (requested !== 0) return this.has(requested) ? undefined : requested;
    for (let id = FIRST_SESSION_ID; id <= MAX_SESSION_ID; id++) {
      if (!this.has(id)) return id;
    }
    return undefined;
  }

  add(session: NnrpSession): void {
    this.live.set(session.id, session);
  }

  /** Forgets a session for good. */
  remove(id: number): void {
    this.live.delete(id);
    const parked = this.detached.get(id);
    if (parked) {
      clearTimeout(parked.timer);
      this.detached.delete(id);
    }
  }

  /** Parks a session whose connection is gone; `onExpire` runs when the window passes. */
  detach(session: NnrpSession, windowMs: number, onExpire: (session: NnrpSession) => void): void {
    this.live.delete(session.id);
    const timer = setTimeout(() => {
      this.detached.delete(session.id);
      onExpire(session);
    }, windowMs);
    timer.unref();
    this.detached.set(session.id, { session, timer });
  }

  /** Takes a parked session back for a resuming connection. */
  reattach(id: number): NnrpSession | undefined {
    const parked = this.detached.get(id);
    if (!parked) return undefined;
    clearTimeout(parked.timer);
    this.detached.delete(id);
    this.live.set(id, parked.session);
    return parked.session;
  }

  /** Every live and parked session (for shutdown). */
  all(): NnrpSession[] {
    return [...this.live.values(), ...[...this.detached.values()].map((p) => p.session)];
  }

  /** Clears every timer and record. */
  clear(): void {
    for (const parked of this.detached.values()) clearTimeout(parked.timer);
    this.detached.clear();
    this.live.clear();
  }
}
