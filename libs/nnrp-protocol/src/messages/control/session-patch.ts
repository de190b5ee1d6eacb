import { requireLength, requireMask, requireZero } from '../../metadata/field-checks';
import { PATCH_MASK } from './patch-vocabulary';

/** Fixed metadata length of SESSION_PATCH (control-plane.md §4.6). */
export const SESSION_PATCH_METADATA_LEN = 36;

/** Byte offsets of SESSION_PATCH metadata fields (control-plane.md §4.6). */
export const SessionPatchOffset = {
  profileId: 0,
  reserved0: 2,
  patchMask: 4,
  targetCadenceX100: 8,
  qualityTier: 12,
  degradePolicy: 14,
  activeLaneMask: 16,
  preferredCodecBitmap: 24,
  preferredCompressionBitmap: 28,
  profilePatchBytes: 32,
} as const;

/** SESSION_PATCH (0x03) fixed metadata. A field is meaningful only when its mask bit is set. */
export interface SessionPatchMetadata {
  /** 0 = the current active profile. */
  profileId: number;
  /** {@link PatchField} bits, mask 0x7F. */
  patchMask: number;
  /** u32 here (u16 in the hello). */
  targetCadenceX100: number;
  qualityTier: number;
  /** Docs-only enum, not validated. */
  degradePolicy: number;
  activeLaneMask: bigint;
  preferredCodecBitmap: number;
  preferredCompressionBitmap: number;
  /**
   * Declared length of the profile patch block. The Rust client declares it but sends an empty
   * body, so never require `body_len` to match (§4.6).
   */
  profilePatchBytes: number;
}

/** Decodes SESSION_PATCH metadata: length ≥ 36, reserved0 = 0, patch_mask ⊆ 0x7F. */
export function decodeSessionPatch(src: Buffer): SessionPatchMetadata {
  requireLength(src, SESSION_PATCH_METADATA_LEN, 'session_patch');
  requireZero(src.readUInt16LE(SessionPatchOffset.reserved0), 'session_patch.reserved0');
  const patchMask = src.readUInt32LE(SessionPatchOffset.patchMask);
  requireMask(patchMask, PATCH_MASK, 'session_patch.patch_mask');
  return {
    profileId: src.readUInt16LE(SessionPatchOffset.profileId),
    patchMask,
    targetCadenceX100: src.readUInt32LE(SessionPatchOffset.targetCadenceX100),
    qualityTier: src.readUInt16LE(SessionPatchOffset.qualityTier),
    degradePolicy: src.readUInt16LE(SessionPatchOffset.degradePolicy),
    activeLaneMask: src.readBigUInt64LE(SessionPatchOffset.activeLaneMask),
    preferredCodecBitmap: src.readUInt32LE(SessionPatchOffset.preferredCodecBitmap),
    preferredCompressionBitmap: src.readUInt32LE(SessionPatchOffset.preferredCompressionBitmap),
    profilePatchBytes: src.readUInt32LE(SessionPatchOffset.profilePatchBytes),
  };
}

/** Encodes SESSION_PATCH metadata (36 bytes, reserved zero), refusing unknown mask bits. */
export function encodeSessionPatch(m: SessionPatchMetadata): Buffer {
  requireMask(m.patchMask, PATCH_MASK, 'session_patch.patch_mask');
  const out = Buffer.alloc(SESSION_PATCH_METADATA_LEN);
  out.writeUInt16LE(m.profileId, SessionPatchOffset.profileId);
  out.writeUInt32LE(m.patchMask, SessionPatchOffset.patchMask);
  out.writeUInt32LE(m.targetCadenceX100, SessionPatchOffset.targetCadenceX100);
  out.writeUInt16LE(m.qualityTier, SessionPatchOffset.qualityTier);
  out.writeUInt16LE(m.degradePolicy, SessionPatchOffset.degradePolicy);
  out.writeBigUInt64LE(m.activeLaneMask, SessionPatchOffset.activeLaneMask);
  out.writeUInt32LE(m.preferredCodecBitmap, SessionPatchOffset.preferredCodecBitmap);
  out.writeUInt32LE(m.preferredCompressionBitmap, SessionPatchOffset.preferredCompressionBitmap);
  out.writeUInt32LE(m.profilePatchBytes, SessionPatchOffset.profilePatchBytes);
  return out;
}
