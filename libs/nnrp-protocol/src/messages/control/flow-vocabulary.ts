// Flow vocabulary of FLOW_UPDATE (control-plane.md §5.8).

/** `scope_kind` (u8): what the credits apply to. */
export enum FlowScopeKind {
  Connection = 0,
  Session = 1,
  Operation = 2,
}

/** `update_reason` (u8). */
export enum FlowUpdateReason {
  Grant = 0,
  Reduce = 1,
  Pause = 2,
  Resume = 3,
  Congestion = 4,
}

/** `backpressure_level` (u8); hard = stop new submits until a later grant, not an error. */
export enum BackpressureLevel {
  None = 0,
  Soft = 1,
  Hard = 2,
}

/** `flow_flags` bits (u32). */
export enum FlowFlag {
  CreditValid = 0x01,
  RetryAfterValid = 0x02,
  BackgroundOnly = 0x04,
  DrainInFlightOnly = 0x08,
}
/** Every defined `flow_flags` bit. */
export const FLOW_FLAGS_MASK = 0x0000000f;
