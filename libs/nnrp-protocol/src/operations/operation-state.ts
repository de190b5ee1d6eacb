/** `operation_state` (u8) of the operation lifecycle (data-plane.md §7.3). */
export enum OperationState {
  Accepted = 0,
  Running = 1,
  Partial = 2,
  WaitingTool = 3,
  Superseded = 4,
  Cancelled = 5,
  Failed = 6,
  Completed = 7,
}

const ENDINGS: readonly OperationState[] = [
  OperationState.Superseded,
  OperationState.Cancelled,
  OperationState.Failed,
];

/**
 * Allowed next states (§7.3). `accepted → partial/completed` is not allowed: an operation must
 * pass through running first. Terminal states have no successor.
 */
const TRANSITIONS: Readonly<Record<OperationState, readonly OperationState[]>> = {
  [OperationState.Accepted]: [OperationState.Running, ...ENDINGS],
  [OperationState.Running]: [
    OperationState.Partial,
    OperationState.WaitingTool,
    ...ENDINGS,
    OperationState.Completed,
  ],
  [OperationState.Partial]: [
    OperationState.Partial,
    OperationState.WaitingTool,
    ...ENDINGS,
    OperationState.Completed,
  ],
  [OperationState.WaitingTool]: [OperationState.Running, ...ENDINGS],
  [OperationState.Superseded]: [],
  [OperationState.Cancelled]: [],
  [OperationState.Failed]: [],
  [OperationState.Completed]: [],
};

/** Whether `state` is terminal (superseded, cancelled, failed, completed). */
export function isTerminalOperationState(state: OperationState): boolean {
  return state >= OperationState.Superseded;
}

/** Whether the §7.3 table allows `from → to`. */
export function canTransitionOperation(from: OperationState, to: OperationState): boolean {
  return TRANSITIONS[from]?.includes(to) === true;
}
