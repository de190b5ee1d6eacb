/** Something that does its deferred work once per event-loop turn. */
export interface QuicTurnParticipant {
  runTurn(): void;
}

/**
 * Batches connection work to once per event-loop turn. Datagrams are fed to quiche as they
 * arrive (poll phase); the resulting stream reads, writes and `send()` drain happen in one
 * `setImmediate` (check phase) after the whole burst. That is what turns "one ACK and one
 * flush per packet" into one per burst.
 */
export class QuicTurnScheduler {
  private pending = new Set<QuicTurnParticipant>();
  private immediate: NodeJS.Immediate | undefined;

  /** Runs `participant.runTurn()` in the next check phase (once, however often it is asked). */
  schedule(participant: QuicTurnParticipant): void {
    this.pending.add(participant);
    this.immediate ??= setImmediate(this.run);
  }

  /** Forgets a participant that no longer needs its turn. */
  cancel(participant: QuicTurnParticipant): void {
    this.pending.delete(participant);
  }

  /** Drops everything pending (the owner is shutting down). */
  dispose(): void {
    this.pending.clear();
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private readonly run = (): void => {
    this.immediate = undefined;
    // Swap first: work scheduled while this batch runs belongs to the next turn, which bounds
    // the time spent here.
    const batch = this.pending;
    this.pending = new Set();
    for (const participant of batch) {
      try {
        participant.runTurn();
      } catch (error) {
        // One failing participant must not starve the others; surface the bug asynchronously.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };
}
