import { requireEnum, requireLength, requireZero } from '../../metadata/field-checks';
import { SessionCloseReason, InFlightPolicy } from './close-vocabulary';

/** Fixed metadata length of SESSION_CLOSE (control-plane.md §4.8). */
export const SESSION_CLOSE_METADATA_LEN = 24;

/** Byte offsets of SESSION_CLOSE metadata fields (control-plane.md §4.8). */
export const SessionCloseOffset = {
  closeReason: 0,
  inFlightPolicy: 2,
  reserved0: 3,
  drainTimeoutMs: 4,
  lastOperationId: 8,
  sessionErrorCode: 16,
  sessionCloseTag: 20,
} as const;

/** SESSION_CLOSE (0x09) fixed metadata. Header `session_id` names the session (≠ 0). */
export interface SessionCloseMetadata {
  closeReason: SessionCloseReason;
  inFlightPolicy: InFlightPolicy;
  /** 0 = immediately. */
  drainTimeoutMs: number;
  /** The sender's watermark: the last frame id it submitted (0 if none). */
  lastOperationId: bigint;
  sessionErrorCode: number;
  /** Opaque; the Rust client puts the session id. */
  sessionCloseTag: number;
}

function checkSessionClose(m: SessionCloseMetadata): void {
  requireEnum(
    m.closeReason,
    SessionCloseReason.Normal,
    SessionCloseReason.AuthRevoked,
    'close_reason',
  );
  requireEnum(m.inFlightPolicy, InFlightPolicy.Drain, InFlightPolicy.Abort, 'in_flight_policy');
}

/** Decodes SESSION_CLOSE metadata: length ≥ 24, reserved0, close_reason, in_flight_policy. */
export function decodeSessionClose(src: Buffer): SessionCloseMetadata {
  requireLength(src, SESSION_CLOSE_METADATA_LEN, 'session_close');
  requireZero(src[SessionCloseOffset.reserved0], 'session_close.reserved0');
  const m: SessionCloseMetadata = {
    closeReason: src.readUInt16LE(SessionCloseOffset.closeReason),
    inFlightPolicy: src[SessionCloseOffset.inFlightPolicy],
    drainTimeoutMs: src.readUInt32LE(SessionCloseOffset.drainTimeoutMs),
    lastOperationId: src.readBigUInt64LE(SessionCloseOffset.lastOperationId),
    sessionErrorCode: src.readUInt32LE(SessionCloseOffset.sessionErrorCode),
    sessionCloseTag: src.readUInt32LE(SessionCloseOffset.sessionCloseTag),
  };
  checkSessionClose(m);
  return m;
}

/** Encodes SESSION_CLOSE metadata (24 bytes, reserved zero), refusing unknown enum values. */
export function encodeSessionClose(m: SessionCloseMetadata): Buffer {
  checkSessionClose(m);
  const out = Buffer.alloc(SESSION_CLOSE_METADATA_LEN);
  out.writeUInt16LE(m.closeReason, SessionCloseOffset.closeReason);
  out[SessionCloseOffset.inFlightPolicy] = m.inFlightPolicy;
  out.writeUInt32LE(m.drainTimeoutMs, SessionCloseOffset.drainTimeoutMs);
  out.writeBigUInt64LE(m.lastOperationId, SessionCloseOffset.lastOperationId);
  out.writeUInt32LE(m.sessionErrorCode, SessionCloseOffset.sessionErrorCode);
  out.writeUInt32LE(m.sessionCloseTag, SessionCloseOffset.sessionCloseTag);
  return out;
}
