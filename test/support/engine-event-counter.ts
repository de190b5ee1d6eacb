import { DropReason, NnrpEngineEvents } from '@nest-nnrp/nest';

/**
 * The transport's `events` hooks as counters, so a test can see what the server accounted:
 * frames dropped by reason (including those whose client could not hear the drop), completions,
 * connections opened and closed.
 */
export class EngineEventCounter implements NnrpEngineEvents {
  /** Accepted frames that ended dropped (or were counted as dropped), by reason. */
  readonly dropped = new Map<DropReason, number>();
  /** Submits refused before dispatch (never in flight), by reason. */
  readonly refused = new Map<DropReason, number>();
  accepted = 0;
  completed = 0;
  connectionsOpened = 0;
  connectionsClosed = 0;
  sessionsOpened = 0;
  sessionsClosed = 0;

  /** Open connections as the server counts them. */
  get openConnections(): number {
    return this.connectionsOpened - this.connectionsClosed;
  }

  /** Accepted frames dropped for `reason`. */
  drops(reason: DropReason): number {
    return this.dropped.get(reason) ?? 0;
  }

  /** Accepted frames that ended either way. */
  get settled(): number {
    let total = this.completed;
    for (const count of this.dropped.values()) total += count;
    return total;
  }

  frameAccepted(): void {
    this.accepted++;
  }

  frameDropped(reason: DropReason, accepted: boolean): void {
    const counts = accepted ? this.dropped : this.refused;
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }

  frameCompleted(): void {
    this.completed++;
  }

  connectionOpened(): void {
    this.connectionsOpened++;
  }

  connectionClosed(): void {
    this.connectionsClosed++;
  }

  sessionOpened(): void {
    this.sessionsOpened++;
  }

  sessionClosed(): void {
    this.sessionsClosed++;
  }
}
