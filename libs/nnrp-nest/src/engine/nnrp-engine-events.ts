import { DropReason } from './drop-reason';

/**
 * Counters the engine reports (the example service turns them into Prometheus metrics). Every
 * hook is optional and must be cheap: they run on the hot path.
 */
export interface NnrpEngineEvents {
  connectionOpened?(carrier: 'tcp' | 'quic'): void;
  connectionClosed?(carrier: 'tcp' | 'quic'): void;
  sessionOpened?(): void;
  sessionClosed?(): void;
  /** A submit was accepted and dispatched (it is in flight until completed or dropped). */
  frameAccepted?(): void;
  /** A frame got its final RESULT_PUSH; `latencyMs` from acceptance. */
  frameCompleted?(latencyMs: number): void;
  /**
   * A frame got RESULT_DROP (or was counted as dropped). `accepted` is false for a submit
   * refused before dispatch (overload, duplicate id…), which was never in flight.
   */
  frameDropped?(reason: DropReason, accepted: boolean): void;
  resultSent?(partial: boolean): void;
  bytes?(direction: 'in' | 'out', count: number): void;
}
