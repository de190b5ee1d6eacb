import {
  canTransitionOperation,
  isTerminalOperationState,
  OperationState,
  type FrameSubmitMetadata,
  type PacketHeader,
} from '@nest-nnrp/protocol';
import type { InboundStream } from '../carriers/carrier-connection';
import { DropReason } from '../engine/drop-reason';
import { NnrpDrop } from '../engine/nnrp-drop';
import { NnrpResult } from '../engine/nnrp-result';
import { LongTimeout, setLongTimeout } from './long-timeout';

/** Lifecycle of one accepted frame (data-plane.md §7.3, as our server drives it). */
export type FrameState =
  'accepted' | 'running' | 'partial' | 'completed' | 'cancelled' | 'failed' | 'superseded';

/** Where a frame's answers go: implemented by its session. */
export interface FrameSink {
  /** Writes one RESULT_PUSH for the frame (`partial` marks a non-terminal one). */
  sendResult(frame: FrameOperation, result: NnrpResult, partial: boolean): void;
  /** Writes the frame's RESULT_DROP, after an ERROR with `errorCode` when one explains it. */
  sendDrop(frame: FrameOperation, reason: DropReason, errorCode?: number): void;
  /** The frame reached its terminal answer (bookkeeping, metrics). */
  frameSettled(frame: FrameOperation, outcome: 'completed' | DropReason): void;
  /** The frame's operation state changed (mirrored into the session's operation registry). */
  frameStateChanged(frame: FrameOperation, state: OperationState): void;
}

/** Terminal state of a drop, by reason (data-plane.md §7.3 [recommend]). */
function dropState(reason: DropReason): OperationState {
  if (reason === 'cancelled') return OperationState.Cancelled;
  if (reason === 'superseded') return OperationState.Superseded;
  return OperationState.Failed;
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
  private deadlineTimer: LongTimeout | undefined;
  private stateValue = OperationState.Accepted;
  /** `performance.now()` when the submit was accepted. */
  readonly acceptedAt = performance.now();
  /** `performance.now()` when the handler started. */
  startedAt: number | undefined;
  /** Absolute `performance.now()` deadline, if any. */
  deadlineAt: number | undefined;
  /** `credit_epoch` of the client's last FLOW_UPDATE for this scope (stale ones are ignored). */
  clientFlowEpoch: number | undefined;
  private partialCount = 0;
  /** Why the handler's last result could not be encoded (logged by the transport). */
  invalidResult: Error | undefined;

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

  /** Operation state (data-plane.md §7.3): accepted → running → partial → a terminal state. */
  get state(): OperationState {
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
    return isTerminalOperationState(this.stateValue);
  }

  /** Partial results sent so far. */
  get partials(): number {
    return this.partialCount;
  }

  /** Marks the handler as started (accepted → running). */
  start(): void {
    if (this.stateValue === OperationState.Accepted) {
      this.startedAt = performance.now();
      this.moveTo(OperationState.Running);
    }
  }

  /**
   * Marks the operation as waiting for a tool (running ↔ waiting_tool, data-plane.md §7.3).
   * Returns false when the transition is not allowed from the current state.
   */
  setWaitingTool(waiting: boolean): boolean {
    const next = waiting ? OperationState.WaitingTool : OperationState.Running;
    if (!canTransitionOperation(this.stateValue, next)) return false;
    this.moveTo(next);
    return true;
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
    this.deadlineTimer?.clear();
    this.deadlineTimer = setLongTimeout(() => this.drop('deadline'), at - performance.now());
  }

  /** Milliseconds left before the deadline (`Infinity` without one). */
  remainingMs(): number {
    return this.deadlineAt === undefined ? Infinity : this.deadlineAt - performance.now();
  }

  /** Sends a non-terminal result (partial, flag 0x4). Returns false when the frame is settled. */
  pushPartial(result: NnrpResult): boolean {
    if (this.settled || this.pastDeadline()) return false;
    this.start();
    // A partial while waiting for a tool means the tool answered: back to running first.
    if (this.stateValue === OperationState.WaitingTool) this.moveTo(OperationState.Running);
    try {
      this.sink.sendResult(this, result, true);
    } catch (error) {
      this.invalidResult = error as Error;
      this.drop('handler-error');
      return false;
    }
    // Writing may have ended the frame (the connection gave up on a client that stops reading).
    if (this.settled) return false;
    this.partialCount++;
    this.moveTo(OperationState.Partial);
    return true;
  }

  /** Sends the terminal result. Returns false (and sends nothing) when already settled. */
  complete(result: NnrpResult): boolean {
    if (this.settled || this.pastDeadline()) return false;
    this.start();
    if (this.stateValue === OperationState.WaitingTool) this.moveTo(OperationState.Running);
    // Encoding happens before anything is written: a result the codec refuses (e.g. tensor
    // fields without the tensor bit) becomes a drop, never a half-sent answer.
    try {
      this.sink.sendResult(this, result, false);
    } catch (error) {
      this.invalidResult = error as Error;
      return this.drop('handler-error');
    }
    if (this.settled) return false;
    this.clearTimer();
    this.moveTo(OperationState.Completed);
    this.sink.frameSettled(this, 'completed');
    return true;
  }

  /**
   * Ends the frame with RESULT_DROP and aborts its signal. Returns false when already settled.
   * `send: false` accounts the drop without writing (the connection is gone).
   */
  drop(reason: DropReason, send = true, errorCode?: number): boolean {
    if (this.settled) return false;
    this.clearTimer();
    this.moveTo(dropState(reason));
    if (send) this.sink.sendDrop(this, reason, errorCode);
    this.sink.frameSettled(this, reason);
    this.abortReason = new NnrpDrop(reason);
    this.controller?.abort(this.abortReason);
    const listeners = this.abortListeners;
    this.abortListeners = undefined;
    if (listeners) for (const listener of listeners) listener();
    return true;
  }

  /**
   * A handler that blocks the event loop (synchronous inference) keeps the deadline timer from
   * firing; its late answer must still become the drop decisions.md §13 promises.
   */
  private pastDeadline(): boolean {
    if (this.deadlineAt === undefined || performance.now() < this.deadlineAt) return false;
    this.drop('deadline');
    return true;
  }

  private moveTo(next: OperationState): void {
    this.stateValue = next;
    this.sink.frameStateChanged(this, next);
  }

  private clearTimer(): void {
    this.deadlineTimer?.clear();
    this.deadlineTimer = undefined;
  }
}
