import { parseQuicheError } from './quic-carrier-error';
import type { QuicheConnection } from './quiche-binding';

/** Outcome of {@link QuicOutboundStream.flush}. */
export type QuicFlushState =
  /** Everything queued (and the FIN, if asked for) is inside quiche. */
  | 'drained'
  /** Flow control, congestion or the stream limit left bytes queued; retry next turn. */
  | 'blocked'
  /** The stream can no longer be written (peer STOP_SENDING, reset, gone); queue dropped. */
  | 'dead';

/** quiche errors after which retrying later may succeed. */
const RETRYABLE_QUICHE_ERRORS: ReadonlySet<string> = new Set(['StreamLimit', 'Done']);
/** A zero-length write used to send a lone FIN. */
const EMPTY = Buffer.alloc(0);
/** Compact the part array once this many consumed slots sit at its front. */
const COMPACT_AFTER_CONSUMED_PARTS = 64;

/**
 * The write queue of one stream. Bytes go straight into quiche while it has capacity
 * (`streamSend` copies them and returns how much it took); the rest waits here, in order, until
 * ACKs and MAX_STREAM_DATA frames open the window again.
 */
export class QuicOutboundStream {
  /** Bytes accepted by `enqueue` and not yet taken by quiche. */
  queuedBytes = 0;
  private parts: Buffer[] = [];
  private head = 0;
  private finRequested = false;
  private finSent = false;
  private dead = false;

  constructor(readonly id: number) {}

  /** Whether a FIN was asked for and has been handed to quiche. */
  get finished(): boolean {
    return this.finSent;
  }

  /** Whether the stream was given up (peer stop, reset, or unknown to quiche). */
  get isDead(): boolean {
    return this.dead;
  }

  /** Whether nothing is waiting (bytes or FIN). */
  get isIdle(): boolean {
    return this.queuedBytes === 0 && (!this.finRequested || this.finSent || this.dead);
  }

  /** Appends parts (empty ones are skipped) and returns how many bytes were added. */
  enqueue(parts: readonly Buffer[]): number {
    if (this.dead || this.finRequested) return 0;
    let added = 0;
    for (const part of parts) {
      if (part.length === 0) continue;
      this.parts.push(part);
      added += part.length;
    }
    this.queuedBytes += added;
    return added;
  }

  /** Asks for a FIN after the queued bytes. */
  requestFin(): void {
    this.finRequested = true;
  }

  /**
   * Moves queued bytes into quiche. Returns the new state; `queuedBytes` tells how much is left.
   * On a dead stream the queue is dropped (the caller subtracts what it had counted).
   */
  flush(conn: QuicheConnection): QuicFlushState {
    if (this.dead) return 'dead';
    try {
      while (this.head < this.parts.length) {
        const part = this.parts[this.head];
        const last = this.head === this.parts.length - 1;
        const fin = last && this.finRequested;
        const written = conn.streamSend(this.id, part, fin);
        if (written === null) return this.blocked();
        this.queuedBytes -= written;
        if (written < part.length) {
          // quiche drops the FIN of a truncated write, so it is retried with the remainder.
          this.parts[this.head] = part.subarray(written);
          return this.blocked();
        }
        this.parts[this.head] = EMPTY;
        this.head += 1;
        if (fin) this.finSent = true;
      }
      this.parts.length = 0;
      this.head = 0;
      if (this.finRequested && !this.finSent) {
        if (conn.streamSend(this.id, EMPTY, true) === null) return 'blocked';
        this.finSent = true;
      }
      return 'drained';
    } catch (error) {
      if (RETRYABLE_QUICHE_ERRORS.has(parseQuicheError(error).name)) return this.blocked();
      this.drop();
      return 'dead';
    }
  }

  /** Gives the stream up and drops its queue; returns the bytes that were still queued. */
  drop(): number {
    const dropped = this.queuedBytes;
    this.dead = true;
    this.parts = [];
    this.head = 0;
    this.queuedBytes = 0;
    return dropped;
  }

  private blocked(): QuicFlushState {
    if (this.head >= COMPACT_AFTER_CONSUMED_PARTS) {
      this.parts = this.parts.slice(this.head);
      this.head = 0;
    }
    return 'blocked';
  }
}
