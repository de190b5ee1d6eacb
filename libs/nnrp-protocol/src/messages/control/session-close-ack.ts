import { requireEnum, requireLength, requireZero } from '../../metadata/field-checks';
import { SessionCloseStatus } from './close-vocabulary';

/** Fixed metadata length of SESSION_CLOSE_ACK (control-plane.md §4.9). */
export const SESSION_CLOSE_ACK_METADATA_LEN = 16;

/** Byte offsets of SESSION_CLOSE_ACK metadata fields (control-plane.md §4.9). */
export const SessionCloseAckOffset = {
  closeStatus: 0,
  reserved0: 1,
  reserved1: 2,
  /** Unaligned u64. */
  lastOperationId: 4,
  sessionErrorCode: 12,
} as const;

/** SESSION_CLOSE_ACK (0x0a) fixed metadata. */
export interface SessionCloseAckMetadata {
  /** The Rust server always answers closed. */
  closeStatus: SessionCloseStatus;
  /** The server's watermark; the Rust server echoes the request's. */
  lastOperationId: bigint;
  sessionErrorCode: number;
}

function checkCloseStatus(status: number): void {
  requireEnum(status, SessionCloseStatus.Acknowledged, SessionCloseStatus.Rejected, 'close_status');
}

/** Decodes SESSION_CLOSE_ACK metadata: length ≥ 16, reserved0, reserved1, close_status. */
export function decodeSessionCloseAck(src: Buffer): SessionCloseAckMetadata {
  requireLength(src, SESSION_CLOSE_ACK_METADATA_LEN, 'session_close_ack');
  requireZero(src[SessionCloseAckOffset.reserved0], 'session_close_ack.reserved0');
  requireZero(src.readUInt16LE(SessionCloseAckOffset.reserved1), 'session_close_ack.reserved1');
  const closeStatus = src[SessionCloseAckOffset.closeStatus];
  checkCloseStatus(closeStatus);
  return {
    closeStatus,
    lastOperationId: src.readBigUInt64LE(SessionCloseAckOffset.lastOperationId),
    sessionErrorCode: src.readUInt32LE(SessionCloseAckOffset.sessionErrorCode),
  };
}

/** Encodes SESSION_CLOSE_ACK metadata (16 bytes, reserved zero), refusing an unknown status. */
export function encodeSessionCloseAck(m: SessionCloseAckMetadata): Buffer {
  checkCloseStatus(m.closeStatus);
  const out = Buffer.alloc(SESSION_CLOSE_ACK_METADATA_LEN);
  out[SessionCloseAckOffset.closeStatus] = m.closeStatus;
  out.writeBigUInt64LE(m.lastOperationId, SessionCloseAckOffset.lastOperationId);
  out.writeUInt32LE(m.sessionErrorCode, SessionCloseAckOffset.sessionErrorCode);
  return out;
}
