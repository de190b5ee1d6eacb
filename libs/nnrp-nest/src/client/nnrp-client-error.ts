import type { ErrorMetadata, SessionOpenAckMetadata } from '@nest-nnrp/protocol';

/**
 * Why a client operation failed.
 *
 * - `auth`: the server refused the credentials (ERROR auth_failed, or a non-zero `auth_status`).
 * - `error`: the server answered with an ERROR packet.
 * - `closed`: the connection closed (or was closed) before the operation completed.
 * - `rejected`: SESSION_OPEN_ACK did not open the session (see `sessionErrorCode`).
 * - `drop`: the server answered a frame with RESULT_DROP (used by `ClientNnrp.send`).
 * - `protocol`: the server sent bytes or values the client cannot accept.
 * - `unsupported`: the carrier cannot do what was asked (uni streams on TCP).
 */
export type NnrpClientErrorKind =
  'auth' | 'error' | 'closed' | 'rejected' | 'drop' | 'protocol' | 'unsupported';

/** Optional context of an {@link NnrpClientError}. */
export interface NnrpClientErrorDetails {
  /** `error_code` of the ERROR packet behind this failure. */
  errorCode?: number;
  /** The whole ERROR metadata behind this failure. */
  error?: ErrorMetadata;
  /** `session_error_code` of a rejecting SESSION_OPEN_ACK. */
  sessionErrorCode?: number;
  /** The rejecting SESSION_OPEN_ACK. */
  openAck?: SessionOpenAckMetadata;
  /** Session the failure concerns, when there is one. */
  sessionId?: number;
  /** Frame the failure concerns, when there is one. */
  frameId?: number;
  /** The underlying error (a codec error, a socket error). */
  cause?: unknown;
}

/** The one error type of the NNRP client: every rejection names its {@link NnrpClientErrorKind}. */
export class NnrpClientError extends Error {
  override readonly name = 'NnrpClientError';
  readonly errorCode: number | undefined;
  readonly error: ErrorMetadata | undefined;
  readonly sessionErrorCode: number | undefined;
  readonly openAck: SessionOpenAckMetadata | undefined;
  readonly sessionId: number | undefined;
  readonly frameId: number | undefined;

  constructor(
    /** Why the operation failed. */
    readonly kind: NnrpClientErrorKind,
    message: string,
    details: NnrpClientErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.errorCode = details.errorCode ?? details.error?.errorCode;
    this.error = details.error;
    this.sessionErrorCode = details.sessionErrorCode ?? details.openAck?.sessionErrorCode;
    this.openAck = details.openAck;
    this.sessionId = details.sessionId;
    this.frameId = details.frameId;
  }
}

/** True when `error` is an {@link NnrpClientError}, optionally of the given kind. */
export function isNnrpClientError(
  error: unknown,
  kind?: NnrpClientErrorKind,
): error is NnrpClientError {
  return error instanceof NnrpClientError && (kind === undefined || error.kind === kind);
}
