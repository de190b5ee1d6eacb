/**
 * Why a frame ended with RESULT_DROP. Not on the wire (preview3's RESULT_DROP carries no reason,
 * data-plane.md §4); used for logs, metrics and the RESULT_HINT sent to hello-flow clients.
 */
export type DropReason =
  | 'application'
  | 'handler-error'
  | 'deadline'
  | 'cancelled'
  | 'superseded'
  | 'overload'
  | 'duplicate'
  | 'no-handler'
  | 'invalid-body'
  | 'cache-miss'
  | 'schema'
  | 'empty-stream'
  | 'session-closed'
  | 'connection-lost'
  | 'backpressure'
  | 'shutdown';
