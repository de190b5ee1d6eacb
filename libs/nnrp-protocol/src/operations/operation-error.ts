import type { OperationState } from './operation-state';

/** Why the operation registry refused a call; one kind per Rust reference error. */
export enum OperationErrorKind {
  /** `UnknownOperation(id)`. */
  UnknownOperation = 'UnknownOperation',
  /** `OperationAlreadyExists(id)`: ids are never reused while the record is kept. */
  OperationAlreadyExists = 'OperationAlreadyExists',
  /** `InvalidOperationTransition{from,to}`: not allowed by the §7.3 table. */
  InvalidOperationTransition = 'InvalidOperationTransition',
  /** `InvalidOperationRelationship{rule}`: a descriptor or cancel request breaks a rule. */
  InvalidOperationRelationship = 'InvalidOperationRelationship',
}

/** Details of an {@link OperationError}; which ones are set depends on the kind. */
export interface OperationErrorDetail {
  /** The unknown / duplicate operation id. */
  operationId?: bigint;
  /** The broken relationship rule, in the reference's wording. */
  rule?: string;
  from?: OperationState;
  to?: OperationState;
}

/** The one error type of the {@link OperationRegistry}. */
export class OperationError extends Error {
  override readonly name = 'OperationError';

  constructor(
    /** Why the call was refused. */
    readonly kind: OperationErrorKind,
    /** Ids, rule or states involved. */
    readonly detail: Readonly<OperationErrorDetail>,
    message: string,
  ) {
    super(message);
  }
}

/** True when `error` is an operation-registry error, optionally of the given kind. */
export function isOperationError(
  error: unknown,
  kind?: OperationErrorKind,
): error is OperationError {
  return error instanceof OperationError && (kind === undefined || error.kind === kind);
}
