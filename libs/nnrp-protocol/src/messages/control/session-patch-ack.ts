import { requireEnum, requireLength, requireMask, requireZero } from '../../metadata/field-checks';
import { PATCH_MASK, PatchAckStatus, PatchRejectReason } from './patch-vocabulary';

/** Fixed metadata length of SESSION_PATCH_ACK (control-plane.md §4.7). */
export const SESSION_PATCH_ACK_METADATA_LEN = 48;

/** Byte offsets of SESSION_PATCH_ACK metadata fields (control-plane.md §4.7). */
export const SessionPatchAckOffset = {
  ackStatus: 0,
  rejectReason: 2,
  appliedPatchMask: 4,
  rejectedPatchMask: 8,
  retryAfterMs: 12,
  effectiveProfileId: 16,
  reserved0: 18,
  effectiveTargetCadenceX100: 20,
  effectiveQualityTier: 24,
  effectiveDegradePolicy: 26,
  /** Unaligned u64. */
  effectiveLaneMask: 28,
  effectiveCodecBitmap: 36,
  effectiveCompressionBitmap: 40,
  profilePatchAckBytes: 44,
} as const;

/** SESSION_PATCH_ACK (0x04) fixed metadata. */
export interface SessionPatchAckMetadata {
  ackStatus: PatchAckStatus;
  rejectReason: PatchRejectReason;
  /** {@link PatchField} bits, mask 0x7F. */
  appliedPatchMask: number;
  /** {@link PatchField} bits, mask 0x7F. */
  rejectedPatchMask: number;
  retryAfterMs: number;
  effectiveProfileId: number;
  effectiveTargetCadenceX100: number;
  effectiveQualityTier: number;
  effectiveDegradePolicy: number;
  effectiveLaneMask: bigint;
  effectiveCodecBitmap: number;
  effectiveCompressionBitmap: number;
  /** Length of the optional tensor clamp ack block in the body (0 or 16). */
  profilePatchAckBytes: number;
}

// Shared by decode and encode, in the reference order: both masks, then both enums.
function checkSessionPatchAck(m: SessionPatchAckMetadata): void {
  requireMask(m.appliedPatchMask, PATCH_MASK, 'session_patch_ack.applied_patch_mask');
  requireMask(m.rejectedPatchMask, PATCH_MASK, 'session_patch_ack.rejected_patch_mask');
  requireEnum(
    m.ackStatus,
    PatchAckStatus.Accepted,
    PatchAckStatus.Rejected,
    'session_patch_ack_status',
  );
  requireEnum(
    m.rejectReason,
    PatchRejectReason.None,
    PatchRejectReason.RateLimited,
    'session_patch_reject_reason',
  );
}

/** Decodes SESSION_PATCH_ACK metadata: length ≥ 48, reserved0, masks, status and reason enums. */
export function decodeSessionPatchAck(src: Buffer): SessionPatchAckMetadata {
  requireLength(src, SESSION_PATCH_ACK_METADATA_LEN, 'session_patch_ack');
  requireZero(src.readUInt16LE(SessionPatchAckOffset.reserved0), 'session_patch_ack.reserved0');
  const m: SessionPatchAckMetadata = {
    ackStatus: src.readUInt16LE(SessionPatchAckOffset.ackStatus),
    rejectReason: src.readUInt16LE(SessionPatchAckOffset.rejectReason),
    appliedPatchMask: src.readUInt32LE(SessionPatchAckOffset.appliedPatchMask),
    rejectedPatchMask: src.readUInt32LE(SessionPatchAckOffset.rejectedPatchMask),
    retryAfterMs: src.readUInt32LE(SessionPatchAckOffset.retryAfterMs),
    effectiveProfileId: src.readUInt16LE(SessionPatchAckOffset.effectiveProfileId),
    effectiveTargetCadenceX100: src.readUInt32LE(SessionPatchAckOffset.effectiveTargetCadenceX100),
    effectiveQualityTier: src.readUInt16LE(SessionPatchAckOffset.effectiveQualityTier),
    effectiveDegradePolicy: src.readUInt16LE(SessionPatchAckOffset.effectiveDegradePolicy),
    effectiveLaneMask: src.readBigUInt64LE(SessionPatchAckOffset.effectiveLaneMask),
    effectiveCodecBitmap: src.readUInt32LE(SessionPatchAckOffset.effectiveCodecBitmap),
    effectiveCompressionBitmap: src.readUInt32LE(SessionPatchAckOffset.effectiveCompressionBitmap),
    profilePatchAckBytes: src.readUInt32LE(SessionPatchAckOffset.profilePatchAckBytes),
  };
  checkSessionPatchAck(m);
  return m;
}

/** Encodes SESSION_PATCH_ACK metadata (48 bytes, reserved zero), refusing what decode refuses. */
export function encodeSessionPatchAck(m: SessionPatchAckMetadata): Buffer {
  checkSessionPatchAck(m);
  const out = Buffer.alloc(SESSION_PATCH_ACK_METADATA_LEN);
  out.writeUInt16LE(m.ackStatus, SessionPatchAckOffset.ackStatus);
  out.writeUInt16LE(m.rejectReason, SessionPatchAckOffset.rejectReason);
  out.writeUInt32LE(m.appliedPatchMask, SessionPatchAckOffset.appliedPatchMask);
  out.writeUInt32LE(m.rejectedPatchMask, SessionPatchAckOffset.rejectedPatchMask);
  out.writeUInt32LE(m.retryAfterMs, SessionPatchAckOffset.retryAfterMs);
  out.writeUInt16LE(m.effectiveProfileId, SessionPatchAckOffset.effectiveProfileId);
  out.writeUInt32LE(m.effectiveTargetCadenceX100, SessionPatchAckOffset.effectiveTargetCadenceX100);
  out.writeUInt16LE(m.effectiveQualityTier, SessionPatchAckOffset.effectiveQualityTier);
  out.writeUInt16LE(m.effectiveDegradePolicy, SessionPatchAckOffset.effectiveDegradePolicy);
  out.writeBigUInt64LE(m.effectiveLaneMask, SessionPatchAckOffset.effectiveLaneMask);
  out.writeUInt32LE(m.effectiveCodecBitmap, SessionPatchAckOffset.effectiveCodecBitmap);
  out.writeUInt32LE(m.effectiveCompressionBitmap, SessionPatchAckOffset.effectiveCompressionBitmap);
  out.writeUInt32LE(m.profilePatchAckBytes, SessionPatchAckOffset.profilePatchAckBytes);
  return out;
}
