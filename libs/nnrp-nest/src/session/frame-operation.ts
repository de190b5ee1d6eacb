import type { FrameSubmitMetadata, PacketHeader } from '@nest-nnrp/protocol';
import type { InboundStream } from '../carriers/carrier-connection';
import { DropReason } from '../engine/drop-reason';
import { NnrpDrop } from '../engine/nnrp-drop';
import { NnrpResult } from '../engine/nnrp-result';

/** Lifecycle of one accepted frame (data-plane.md §7.3, as our server drives it). */
export type FrameState =
  'accepted' | 'running' | 'partial' | 'completed' | 'cancelled' | 'failed' | 'superseded';

/** Where a frame's answers go: implemented by its session. */
export interface FrameSink {
  /** Writes one RESULT_PUSH for the frame (`partial` marks a non-terminal one). */
  sendResult(frame: FrameOperation, result: NnrpResult, partial: boolean): void;
  /** Writes the frame's RESULT_DROP. */
  sendDrop(frame: FrameOperation, reason: DropReason): void;
  /** The frame reached its terminal answer (bookkeeping, metrics). */
  frameSettled(frame: FrameOperation, outcome: 'completed' | DropReason): void;
}

/**
 * One accepted FRAME_SUBMIT and its single terminal answer (decisions.md §11): exactly one final
 * RESULT_PUSH or RESULT_DROP, never a result after a drop, whatever races happen between the
 * handler, the deadline, a cancel, overload, shutdown and connection loss.
 */
export class FrameOperation {
  /** Created on first use: most handlers never look at the signal (hot path). */
  private controller: AbortController | undefined;
  private abortReason: NnrpDrop | undefined;
  private abortListeners: (() => void)[] | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private stateValue: FrameState = 'accepted';
  /** `performance.now()` when the submit was accepted. */
  readonly acceptedAt = performance.now();
  /** `performance.now()` when the handler started. */
  startedAt: number | undefined;
  /** Absolute `performance.now()` deadline, if any. */
  deadlineAt: number | undefined;
  private partialCount = 0;

  constructor(
    private readonly sink: FrameSink,
    readonly header: PacketHeader,
    readonly metadata: FrameSubmitMetadata,
    readonly body: Buffer,
    /** The stream the submit arrived on: results go back on the same family (decisions.md §17). */
    readonly origin: InboundStream,
  ) {}

  get frameId(): number {
    return this.header.frameId;
  }

  get state(): FrameState {
    return this.stateValue;
  }

  /** Aborted when the frame is dropped, cancelled or times out. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** True once the frame was dropped (its signal is aborted). */
  get aborted(): boolean {
    return this.abortReason !== undefined;
  }

  /** Runs `listener` once when the frame is dropped (cheaper than a signal listener). */
  onAbort(listener: () => void): void {
    if (this.abortReason) listener();
    else (this.abortListeners ??= []).push(listener);
  }

  /** True once the terminal answer was sent. */
  get settled(): boolean {
    return (
      this.stateValue === 'completed' ||
      this.stateValue === 'cancelled' ||
      this.stateValue === 'failed' ||
      this.stateValue === 'superseded'
    );
  }

  /** Partial results sent so far. */
  get partials(): number {
    return this.partialCount;
  }

  /** Marks the handler as started (accepted → running). */
  start(): void {
    if (this.stateValue === 'accepted') {
      this.stateValue = 'running';
      this.startedAt = performance.now();
    }
  }

  /**
   * Arms or tightens the deadline (decisions.md §13: the smallest non-zero wins). When it
   * passes, the frame is dropped and its signal aborts.
   */
  applyDeadline(ms: number): void {
    if (!(ms > 0) || this.settled) return;
    const at = this.acceptedAt + ms;
    if (this.deadlineAt !== undefined && this.deadlineAt <= at) return;
    this.deadlineAt = at;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    const delay = Math.max(0, at - performance.now());
    this.deadlineTimer = setTimeout(() => this.drop('deadline'), delay);
  }

  /** Milliseconds left before the deadline (`Infinity` without one). */
  remainingMs(): number {
    return this.deadlineAt === undefined ? Infinity : this.deadlineAt - performance.now();
  }

  /** Sends a non-terminal result (partial, flag 0x4). Returns false when the frame is settled. */
  pushPartial(result: NnrpResult): boolean {
    if (this.settled) return false;
    this.start();
    this.stateValue = 'partial';
    this.partialCount++;
    this.sink.sendResult(this, result, true);
    return true;
  }

  /** Sends the terminal result. Returns false (and sends nothing) when already settled. */
  complete(result: NnrpResult): boolean {
    if (this.settled) return false;
    this.start();
    this.stateValue = 'completed';
    this.clearTimer();
    this.sink.sendResult(this, result, false);
    this.sink.frameSettled(this, 'completed');
    return true;
  }

  /**
   * Ends the frame with RESULT_DROP and aborts its signal. Returns false when already settled.
   * `send: false` accounts the drop without writing (the connection is gone).
   */
  drop(reason: DropReason, send = true): boolean {
    if (this.settled) return false;
    this.stateValue = reason === 'cancelled' ? 'cancelled' : 'failed';
    this.clearTimer();
    if (send) this.sink.sendDrop(this, reason);
    this.sink.frameSettled(this, reason);
    this.abortReason = new NnrpDrop(reason);
    this.controller?.abort(this.abortReason);
    const listeners = this.abortListeners;
    this.abortListeners = undefined;
    if (listeners) for (const listener of listeners) listener();
    return true;
  }

  private clearTimer(): void {
    if (this.deadlineTimer) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = undefined;
    }
  }
}
