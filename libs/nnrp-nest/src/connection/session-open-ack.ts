import {
  ProfileId,
  SessionErrorCode,
  SessionFlag,
  SessionFlagAck,
  SessionOpenAckMetadata,
  SessionOpenMetadata,
  SessionStatus,
} from '@nest-nnrp/protocol';
import { ResolvedServerOptions } from '../engine/nnrp-server-options';

const ASSIGNABLE_PROFILES: readonly number[] = [
  ProfileId.Unspecified,
  ProfileId.Tensor,
  ProfileId.Token,
];

/** The server-side facts SESSION_OPEN validation needs. */
export interface OpenValidationContext {
  readonly options: ResolvedServerOptions;
  /** Whether `(schema_id, schema_version)` is installed in the registry. */
  readonly schemaInstalled: boolean;
}

/**
 * Resume pre-check (control-plane.md §6.2 step 5): a resume attempt must carry allow_resume and a
 * non-zero requested id. The reference drops such a connection silently; we answer
 * RESUME_REJECTED (decisions.md §8), which the client fails on the same way.
 */
export function isMalformedResume(open: SessionOpenMetadata): boolean {
  return (
    open.resumeTokenBytes > 0 &&
    ((open.sessionFlags & SessionFlag.AllowResume) === 0 || open.requestedSessionId === 0)
  );
}

/**
 * The first failing validation of a SESSION_OPEN, in the reference order (control-plane.md
 * §6.2 step 6a–c): profile, schema, in-flight limit. The application policy (d) runs after.
 */
export function openValidationError(
  open: SessionOpenMetadata,
  context: OpenValidationContext,
): SessionErrorCode | undefined {
  const { options } = context;
  if (
    !ASSIGNABLE_PROFILES.includes(open.profileId) ||
    !options.supportedProfiles.includes(open.profileId)
  ) {
    return SessionErrorCode.ProfileUnsupported;
  }
  if (!context.schemaInstalled) return SessionErrorCode.SchemaUnsupported;
  if (open.maxInFlightOperations > options.profile.maxInFlightPerSession) {
    return SessionErrorCode.LimitReached;
  }
  return undefined;
}

/** True when the request asked for resume and the server grants it (config > 0). */
export function grantsResume(open: SessionOpenMetadata, options: ResolvedServerOptions): boolean {
  return (open.sessionFlags & SessionFlag.AllowResume) !== 0 && options.resumeTokenBytes > 0;
}

/**
 * SESSION_OPEN_ACK for an accepted open (control-plane.md §6.2 step 6 table): echoes the request,
 * advertises the server's credit, limits and windows, and confirms only resume.
 */
export function acceptedOpenAck(
  open: SessionOpenMetadata,
  sessionId: number,
  resumed: boolean,
  options: ResolvedServerOptions,
): SessionOpenAckMetadata {
  const resumeTokenBytes = grantsResume(open, options) ? options.resumeTokenBytes : 0;
  return {
    sessionId,
    acceptedProfileId: open.profileId,
    acceptedPriorityClass: open.priorityClass,
    sessionStatus: resumed ? SessionStatus.Resumed : SessionStatus.Opened,
    schemaId: open.schemaId,
    schemaVersion: open.schemaVersion,
    grantedOperationCredit: options.grantedOperationCredit,
    maxInFlightOperations: options.profile.maxInFlightPerSession,
    leaseTtlMs: options.leaseTtlMs,
    resumeWindowMs: options.resumeWindowMs,
    resumeTokenBytes,
    sessionExtensionBytes: 0,
    serverSessionTag: BigInt(sessionId),
    routeScopeId: 0,
    sessionErrorCode: SessionErrorCode.None,
    sessionFlagsAck: resumeTokenBytes > 0 ? SessionFlagAck.ResumeEnabled : 0,
  };
}

/**
 * SESSION_OPEN_ACK for a rejected open: session id 0 (header and metadata), status rejected, the
 * error code, no resume, no tag (control-plane.md §8.9).
 */
export function rejectedOpenAck(
  open: SessionOpenMetadata,
  errorCode: number,
  options: ResolvedServerOptions,
): SessionOpenAckMetadata {
  return {
    sessionId: 0,
    acceptedProfileId: open.profileId,
    acceptedPriorityClass: open.priorityClass,
    sessionStatus: SessionStatus.Rejected,
    schemaId: open.schemaId,
    schemaVersion: open.schemaVersion,
    grantedOperationCredit: options.grantedOperationCredit,
    maxInFlightOperations: options.profile.maxInFlightPerSession,
    leaseTtlMs: options.leaseTtlMs,
    resumeWindowMs: options.resumeWindowMs,
    resumeTokenBytes: 0,
    sessionExtensionBytes: 0,
    serverSessionTag: 0n,
    routeScopeId: 0,
    sessionErrorCode: errorCode,
    sessionFlagsAck: 0,
  };
}

/**
 * The auth block of a SESSION_OPEN. Its declared blocks are split from the body in field order
 * (resume, auth, extension) when the body has exactly their size (control-plane.md §4.4 [REC]).
 * Rust clients declare a resume token but never send one, so a body of exactly auth + extension
 * bytes is read as those two. Any other body is ignored: a SESSION_OPEN is never rejected
 * because its declared blocks are missing.
 */
export function sessionOpenAuthBlock(open: SessionOpenMetadata, body: Buffer): Buffer {
  if (open.authBytes === 0) return body.subarray(0, 0);
  const declared = open.resumeTokenBytes + open.authBytes + open.sessionExtensionBytes;
  if (body.length === declared) {
    return body.subarray(open.resumeTokenBytes, open.resumeTokenBytes + open.authBytes);
  }
  if (body.length === open.authBytes + open.sessionExtensionBytes) {
    return body.subarray(0, open.authBytes);
  }
  return body.subarray(0, 0);
}
