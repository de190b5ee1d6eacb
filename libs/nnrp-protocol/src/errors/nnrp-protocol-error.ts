import { NnrpErrorKind } from './nnrp-error-kind';

/**
 * The one error type of the codec. Every rejection names its {@link NnrpErrorKind} and the
 * offending field (spec name, e.g. `session_open.reserved0` or `header.flags`).
 */
export class NnrpProtocolError extends Error {
  override readonly name = 'NnrpProtocolError';

  constructor(
    /** Why the bytes or values were refused. */
    readonly kind: NnrpErrorKind,
    /** The field (or rule) at fault, in the spec's naming. */
    readonly field: string,
    message?: string,
  ) {
    super(message ?? `${kind}: ${field}`);
  }
}

/** True when `error` is a codec error, optionally of the given kind. */
export function isNnrpProtocolError(
  error: unknown,
  kind?: NnrpErrorKind,
): error is NnrpProtocolError {
  return error instanceof NnrpProtocolError && (kind === undefined || error.kind === kind);
}
