// Close vocabulary of SESSION_CLOSE and SESSION_CLOSE_ACK (control-plane.md §5.5).

/** `close_reason` (u16). */
export enum SessionCloseReason {
  Normal = 0,
  ClientShutdown = 1,
  ServerShutdown = 2,
  IdleTimeout = 3,
  ProtocolError = 4,
  AuthRevoked = 5,
}

/** `in_flight_policy` (u8): what happens to frames still running. */
export enum InFlightPolicy {
  Drain = 0,
  Abort = 1,
}

/** `close_status` (u8) of SESSION_CLOSE_ACK. */
export enum SessionCloseStatus {
  Acknowledged = 0,
  Draining = 1,
  Closed = 2,
  Rejected = 3,
}
