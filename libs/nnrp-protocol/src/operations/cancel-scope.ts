/** `cancel_scope` (u8): which operations a cancel reaches (data-plane.md §7.4). */
export enum CancelScope {
  /** The target only; the only scope reachable from the wire (FRAME_CANCEL) in preview3. */
  Operation = 0,
  /** The target and all its transitive children (by `parent_operation_id`). */
  Subtree = 1,
  /** Every operation sharing the target's `operation_group_id` (the target must have one). */
  Group = 2,
  /** Every operation of the request's session. */
  Session = 3,
}
