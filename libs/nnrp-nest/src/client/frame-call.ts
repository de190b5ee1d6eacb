import { PacketHeader, ResultClass, ResultFlag, ResultPushMetadata } from '@nest-nnrp/protocol';
import { createDeferred, Deferred, markHandled } from './deferred';
import { EventLog, ListenerErrorSink, Unsubscribe } from './event-log';

/** One RESULT_PUSH for a frame. */
export interface ResultEvent {
  readonly header: PacketHeader;
  readonly metadata: ResultPushMetadata;
  /** A view of the received bytes. */
  readonly body: Buffer;
}

/** A frame answered by a terminal RESULT_PUSH. */
export interface FrameResult extends ResultEvent {
  readonly kind: 'result';
  /** The non-terminal results that came before, in order. */
  readonly partials: readonly ResultEvent[];
}

/** A frame answered by RESULT_DROP (no reason exists in preview3). */
export interface FrameDrop {
  readonly kind: 'drop';
  readonly header: PacketHeader;
  /** The non-terminal results that came before, in order. */
  readonly partials: readonly ResultEvent[];
}

/** The terminal answer of a frame. */
export type FrameOutcome = FrameResult | FrameDrop;

/**
 * A RESULT_PUSH is non-terminal when it says partial in either place: the `partial` result flag
 * or `result_class` partial (decisions.md §12 sets both; accept either).
 */
export function isPartialResult(metadata: ResultPushMetadata): boolean {
  return (
    (metadata.resultFlags & ResultFlag.Partial) !== 0 ||
    metadata.resultClass === ResultClass.Partial
  );
}

/**
 * One submitted frame: its partial results as they arrive and a promise of its single terminal
 * answer. `done` rejects with `NnrpClientError` when the connection closes first.
 */
export class FrameCall {
  /** Settles exactly once, with the terminal answer. */
  readonly done: Promise<FrameOutcome>;
  private readonly deferred: Deferred<FrameOutcome>;
  private readonly partialLog: EventLog<ResultEvent>;
  private settledFlag = false;

  constructor(
    /** Session the frame was submitted on. */
    readonly sessionId: number,
    /** Header `frame_id` of the submit. */
    readonly frameId: number,
    onListenerError: ListenerErrorSink,
  ) {
    this.deferred = createDeferred<FrameOutcome>();
    this.done = this.deferred.promise;
    // A caller that ignores the answer (emit) must not see an unhandled rejection on close.
    markHandled(this.done);
    this.partialLog = new EventLog(onListenerError);
  }

  /** Non-terminal results received so far. */
  get partials(): readonly ResultEvent[] {
    return this.partialLog.items;
  }

  /** True once the terminal answer (or a failure) settled `done`. */
  get settled(): boolean {
    return this.settledFlag;
  }

  /** Calls `listener` for every later partial result. */
  onPartial(listener: (event: ResultEvent) => void): Unsubscribe {
    return this.partialLog.subscribe(listener);
  }

  /** @internal Records a non-terminal result. */
  addPartial(event: ResultEvent): void {
    this.partialLog.push(event);
  }

  /** @internal Settles with a terminal RESULT_PUSH. */
  complete(event: ResultEvent): void {
    this.settle({ kind: 'result', ...event, partials: this.partials });
  }

  /** @internal Settles with RESULT_DROP. */
  drop(header: PacketHeader): void {
    this.settle({ kind: 'drop', header, partials: this.partials });
  }

  /** @internal Rejects `done` (connection or session closed first). */
  fail(error: Error): void {
    if (this.settledFlag) return;
    this.settledFlag = true;
    this.deferred.reject(error);
  }

  private settle(outcome: FrameOutcome): void {
    if (this.settledFlag) return;
    this.settledFlag = true;
    this.deferred.resolve(outcome);
  }
}
