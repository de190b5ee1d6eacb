/**
 * `budget_policy` of FRAME_SUBMIT and `applied_budget_policy` of RESULT_PUSH: a u8 bitmask
 * (data-plane.md §10.2); 0 = none. RESULT_HINT's field of the same name is an enum instead.
 */
export enum BudgetPolicy {
  AllowPartial = 0x01,
  AllowStaleReuse = 0x02,
  AllowDegraded = 0x04,
  AllowDrop = 0x08,
}

/** Every defined budget bit; any other bit is rejected (`ReservedBitsSet`). */
export const BUDGET_POLICY_MASK = 0x0f;
