import { requireEnum, requireLength, requireMask, requireRule } from '../../metadata/field-checks';
import { SessionOpenMetadata } from './session-open';
import {
  PriorityClass,
  SESSION_FLAGS_ACK_MASK,
  SessionErrorCode,
  SessionFlagAck,
  SessionStatus,
} from './session-vocabulary';

/** Fixed metadata length of SESSION_OPEN_ACK (control-plane.md §4.5). */
export const SESSION_OPEN_ACK_METADATA_LEN = 56;

/** Byte offsets of SESSION_OPEN_ACK metadata fields (control-plane.md §4.5). */
export const SessionOpenAckOffset = {
  sessionId: 0,
  acceptedProfileId: 4,
  acceptedPriorityClass: 6,
  sessionStatus: 7,
  schemaId: 8,
  schemaVersion: 12,
  grantedOperationCredit: 16,
  maxInFlightOperations: 18,
  leaseTtlMs: 20,
  resumeWindowMs: 24,
  resumeTokenBytes: 28,
  sessionExtensionBytes: 32,
  /** Unaligned u64. */
  serverSessionTag: 36,
  routeScopeId: 44,
  sessionErrorCode: 48,
  sessionFlagsAck: 52,
} as const;

/** SESSION_OPEN_ACK (0x08) fixed metadata. No reserved fields. */
export interface SessionOpenAckMetadata {
  /** Non-zero iff the status is opened or resumed (see {@link validateSessionOpenAckRules}). */
  sessionId: number;
  acceptedProfileId: number;
  acceptedPriorityClass: PriorityClass;
  sessionStatus: SessionStatus;
  schemaId: number;
  schemaVersion: number;
  grantedOperationCredit: number;
  maxInFlightOperations: number;
  leaseTtlMs: number;
  resumeWindowMs: number;
  resumeTokenBytes: number;
  sessionExtensionBytes: number;
  serverSessionTag: bigint;
  routeScopeId: number;
  /** A {@link SessionErrorCode} (any u32 decodes: the families are extensible). */
  sessionErrorCode: number;
  /** {@link SessionFlagAck} bits, mask 0x1F. */
  sessionFlagsAck: number;
}

// The value checks shared by decode and encode, in the reference order: mask, then the enums.
function checkSessionOpenAck(m: SessionOpenAckMetadata): void {
  requireMask(m.sessionFlagsAck, SESSION_FLAGS_ACK_MASK, 'session_open_ack.session_flags_ack');
  requireEnum(
    m.acceptedPriorityClass,
    PriorityClass.Interactive,
    PriorityClass.Background,
    'session_priority_class',
  );
  requireEnum(m.sessionStatus, SessionStatus.Opened, SessionStatus.Resumed, 'session_status');
}

/** Decodes SESSION_OPEN_ACK metadata: length ≥ 56, flag mask, priority and status enums. */
export function decodeSessionOpenAck(src: Buffer): SessionOpenAckMetadata {
  requireLength(src, SESSION_OPEN_ACK_METADATA_LEN, 'session_open_ack');
  const m: SessionOpenAckMetadata = {
    sessionId: src.readUInt32LE(SessionOpenAckOffset.sessionId),
    acceptedProfileId: src.readUInt16LE(SessionOpenAckOffset.acceptedProfileId),
    acceptedPriorityClass: src[SessionOpenAckOffset.acceptedPriorityClass],
    sessionStatus: src[SessionOpenAckOffset.sessionStatus],
    schemaId: src.readUInt32LE(SessionOpenAckOffset.schemaId),
    schemaVersion: src.readUInt32LE(SessionOpenAckOffset.schemaVersion),
    grantedOperationCredit: src.readUInt16LE(SessionOpenAckOffset.grantedOperationCredit),
    maxInFlightOperations: src.readUInt16LE(SessionOpenAckOffset.maxInFlightOperations),
    leaseTtlMs: src.readUInt32LE(SessionOpenAckOffset.leaseTtlMs),
    resumeWindowMs: src.readUInt32LE(SessionOpenAckOffset.resumeWindowMs),
    resumeTokenBytes: src.readUInt32LE(SessionOpenAckOffset.resumeTokenBytes),
    sessionExtensionBytes: src.readUInt32LE(SessionOpenAckOffset.sessionExtensionBytes),
    serverSessionTag: src.readBigUInt64LE(SessionOpenAckOffset.serverSessionTag),
    routeScopeId: src.readUInt32LE(SessionOpenAckOffset.routeScopeId),
    sessionErrorCode: src.readUInt32LE(SessionOpenAckOffset.sessionErrorCode),
    sessionFlagsAck: src.readUInt32LE(SessionOpenAckOffset.sessionFlagsAck),
  };
  checkSessionOpenAck(m);
  return m;
}

/** Encodes SESSION_OPEN_ACK metadata (56 bytes), refusing values the decoder refuses. */
export function encodeSessionOpenAck(m: SessionOpenAckMetadata): Buffer {
  checkSessionOpenAck(m);
  const out = Buffer.alloc(SESSION_OPEN_ACK_METADATA_LEN);
  out.writeUInt32LE(m.sessionId, SessionOpenAckOffset.sessionId);
  out.writeUInt16LE(m.acceptedProfileId, SessionOpenAckOffset.acceptedProfileId);
  out[SessionOpenAckOffset.acceptedPriorityClass] = m.acceptedPriorityClass;
  out[SessionOpenAckOffset.sessionStatus] = m.sessionStatus;
  out.writeUInt32LE(m.schemaId, SessionOpenAckOffset.schemaId);
  out.writeUInt32LE(m.schemaVersion, SessionOpenAckOffset.schemaVersion);
  out.writeUInt16LE(m.grantedOperationCredit, SessionOpenAckOffset.grantedOperationCredit);
  out.writeUInt16LE(m.maxInFlightOperations, SessionOpenAckOffset.maxInFlightOperations);
  out.writeUInt32LE(m.leaseTtlMs, SessionOpenAckOffset.leaseTtlMs);
  out.writeUInt32LE(m.resumeWindowMs, SessionOpenAckOffset.resumeWindowMs);
  out.writeUInt32LE(m.resumeTokenBytes, SessionOpenAckOffset.resumeTokenBytes);
  out.writeUInt32LE(m.sessionExtensionBytes, SessionOpenAckOffset.sessionExtensionBytes);
  out.writeBigUInt64LE(m.serverSessionTag, SessionOpenAckOffset.serverSessionTag);
  out.writeUInt32LE(m.routeScopeId, SessionOpenAckOffset.routeScopeId);
  out.writeUInt32LE(m.sessionErrorCode, SessionOpenAckOffset.sessionErrorCode);
  out.writeUInt32LE(m.sessionFlagsAck, SessionOpenAckOffset.sessionFlagsAck);
  return out;
}

/**
 * The Rust client's acceptance rules 1–3 (control-plane.md §4.5: `validate_session_recovery_ack`
 * and `apply_session_open_ack`), which every ack we send must pass:
 * 1. resume_enabled needs a non-zero resume window and token length;
 * 2. resumed needs a resume attempt in the request, error code 0 and resume_enabled;
 * 3. opened/resumed need a non-zero session id, rejected/retry_later need 0.
 * Violations are `InvalidProtocolCombination` with the reference's rule text.
 */
export function validateSessionOpenAckRules(
  ack: SessionOpenAckMetadata,
  request: Pick<SessionOpenMetadata, 'resumeTokenBytes'>,
): void {
  const resumeEnabled = (ack.sessionFlagsAck & SessionFlagAck.ResumeEnabled) !== 0;
  requireRule(
    !resumeEnabled || (ack.resumeWindowMs !== 0 && ack.resumeTokenBytes !== 0),
    'resume_enabled ack requires non-zero resume window and token bytes',
  );
  if (ack.sessionStatus === SessionStatus.Resumed) {
    requireRule(request.resumeTokenBytes > 0, 'resumed ack requires a resume token in the request');
    requireRule(
      ack.sessionErrorCode === SessionErrorCode.None,
      'resumed ack must not carry a session error',
    );
    requireRule(resumeEnabled, 'resumed ack must keep resume_enabled set');
  }
  if (sessionOpenAckOpensSession(ack.sessionStatus)) {
    requireRule(ack.sessionId !== 0, 'successful SESSION_OPEN_ACK requires a non-zero session_id');
  } else {
    requireRule(ack.sessionId === 0, 'rejected SESSION_OPEN_ACK must not install a session_id');
  }
}

/** Rule 4 of §4.5: only opened and resumed open a session; anything else fails the client. */
export function sessionOpenAckOpensSession(status: SessionStatus): boolean {
  return status === SessionStatus.Opened || status === SessionStatus.Resumed;
}
