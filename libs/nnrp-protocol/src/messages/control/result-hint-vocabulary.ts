// Enums of RESULT_HINT (control-plane.md §4.17). Unlike FRAME_SUBMIT's bitmask of the same
// name, `applied_budget_policy` is an enum here; all three are u32 on the wire.

/** `applied_budget_policy` (u32). */
export enum ResultHintBudgetPolicy {
  None = 0,
  Full = 1,
  Partial = 2,
  StaleReuse = 3,
  Drop = 4,
}

/** `congestion_state` (u32). */
export enum ResultHintCongestionState {
  None = 0,
  Steady = 1,
  Elevated = 2,
  Saturated = 3,
}

/** `reason` (u32). */
export enum ResultHintReason {
  None = 0,
  QueueFull = 1,
  ServerBusy = 2,
  BudgetExceeded = 3,
  Superseded = 4,
}
