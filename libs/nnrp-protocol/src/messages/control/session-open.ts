import { requireEnum, requireLength, requireMask, requireZero } from '../../metadata/field-checks';
import { PriorityClass, SESSION_FLAGS_MASK } from './session-vocabulary';

/** Fixed metadata length of SESSION_OPEN (control-plane.md §4.4). */
export const SESSION_OPEN_METADATA_LEN = 48;

/** Byte offsets of SESSION_OPEN metadata fields (control-plane.md §4.4). */
export const SessionOpenOffset = {
  requestedSessionId: 0,
  profileId: 4,
  priorityClass: 6,
  sessionFlags: 7,
  schemaId: 8,
  schemaVersion: 12,
  defaultDeadlineMs: 16,
  maxInFlightOperations: 20,
  reserved0: 22,
  leaseTtlHintMs: 24,
  resumeTokenBytes: 28,
  authBytes: 32,
  sessionExtensionBytes: 36,
  clientSessionTag: 40,
} as const;

/** SESSION_OPEN (0x07) fixed metadata. */
export interface SessionOpenMetadata {
  /** 0 = the server assigns. */
  requestedSessionId: number;
  /** See {@link ProfileId}; any u16 decodes, the server decides what it supports. */
  profileId: number;
  priorityClass: PriorityClass;
  /** {@link SessionFlag} bits, mask 0x0F. */
  sessionFlags: number;
  schemaId: number;
  schemaVersion: number;
  defaultDeadlineMs: number;
  maxInFlightOperations: number;
  /** 0 = unspecified. */
  leaseTtlHintMs: number;
  /** > 0 means "this is a resume attempt". */
  resumeTokenBytes: number;
  authBytes: number;
  sessionExtensionBytes: number;
  /** Opaque; the Rust client sets it to the requested session id. */
  clientSessionTag: bigint;
}

/**
 * Decodes SESSION_OPEN metadata. Order as the reference: length ≥ 48, reserved0, flag mask,
 * priority enum. Extra trailing bytes are ignored (the one message accepted with `meta_len > 48`).
 */
export function decodeSessionOpen(src: Buffer): SessionOpenMetadata {
  requireLength(src, SESSION_OPEN_METADATA_LEN, 'session_open');
  requireZero(src.readUInt16LE(SessionOpenOffset.reserved0), 'session_open.reserved0');
  const sessionFlags = src[SessionOpenOffset.sessionFlags];
  requireMask(sessionFlags, SESSION_FLAGS_MASK, 'session_open.session_flags');
  const priorityClass = src[SessionOpenOffset.priorityClass];
  requireEnum(
    priorityClass,
    PriorityClass.Interactive,
    PriorityClass.Background,
    'session_priority_class',
  );
  return {
    requestedSessionId: src.readUInt32LE(SessionOpenOffset.requestedSessionId),
    profileId: src.readUInt16LE(SessionOpenOffset.profileId),
    priorityClass,
    sessionFlags,
    schemaId: src.readUInt32LE(SessionOpenOffset.schemaId),
    schemaVersion: src.readUInt32LE(SessionOpenOffset.schemaVersion),
    defaultDeadlineMs: src.readUInt32LE(SessionOpenOffset.defaultDeadlineMs),
    maxInFlightOperations: src.readUInt16LE(SessionOpenOffset.maxInFlightOperations),
    leaseTtlHintMs: src.readUInt32LE(SessionOpenOffset.leaseTtlHintMs),
    resumeTokenBytes: src.readUInt32LE(SessionOpenOffset.resumeTokenBytes),
    authBytes: src.readUInt32LE(SessionOpenOffset.authBytes),
    sessionExtensionBytes: src.readUInt32LE(SessionOpenOffset.sessionExtensionBytes),
    clientSessionTag: src.readBigUInt64LE(SessionOpenOffset.clientSessionTag),
  };
}

/** Encodes SESSION_OPEN metadata (48 bytes, reserved zero), refusing values the decoder refuses. */
export function encodeSessionOpen(m: SessionOpenMetadata): Buffer {
  requireMask(m.sessionFlags, SESSION_FLAGS_MASK, 'session_open.session_flags');
  requireEnum(
    m.priorityClass,
    PriorityClass.Interactive,
    PriorityClass.Background,
    'session_priority_class',
  );
  const out = Buffer.alloc(SESSION_OPEN_METADATA_LEN);
  out.writeUInt32LE(m.requestedSessionId, SessionOpenOffset.requestedSessionId);
  out.writeUInt16LE(m.profileId, SessionOpenOffset.profileId);
  out[SessionOpenOffset.priorityClass] = m.priorityClass;
  out[SessionOpenOffset.sessionFlags] = m.sessionFlags;
  out.writeUInt32LE(m.schemaId, SessionOpenOffset.schemaId);
  out.writeUInt32LE(m.schemaVersion, SessionOpenOffset.schemaVersion);
  out.writeUInt32LE(m.defaultDeadlineMs, SessionOpenOffset.defaultDeadlineMs);
  out.writeUInt16LE(m.maxInFlightOperations, SessionOpenOffset.maxInFlightOperations);
  out.writeUInt32LE(m.leaseTtlHintMs, SessionOpenOffset.leaseTtlHintMs);
  out.writeUInt32LE(m.resumeTokenBytes, SessionOpenOffset.resumeTokenBytes);
  out.writeUInt32LE(m.authBytes, SessionOpenOffset.authBytes);
  out.writeUInt32LE(m.sessionExtensionBytes, SessionOpenOffset.sessionExtensionBytes);
  out.writeBigUInt64LE(m.clientSessionTag, SessionOpenOffset.clientSessionTag);
  return out;
}
