import { readU16, readU32 } from '../../metadata/little-endian';
import {
  requireEnum,
  requireLength,
  requireMask,
  requireZero,
  requireZeroU64,
} from '../../metadata/field-checks';
import { BUDGET_POLICY_MASK } from './budget-policy';
import { PAYLOAD_KIND_MASK } from './payload-kind';
import { InputProfile, SubmitMode, TileIndexMode } from './submit-vocabulary';
import { requireTensorFieldsClear } from './tensor-shape-rule';

/** Fixed metadata length of FRAME_SUBMIT (data-plane.md §2.1). */
export const FRAME_SUBMIT_METADATA_LEN = 72;

/** Byte offsets of FRAME_SUBMIT metadata fields (data-plane.md §2.1, decisions.md §3). */
export const FrameSubmitOffset = {
  srcWidth: 0,
  srcHeight: 2,
  tileWidth: 4,
  tileHeight: 6,
  tileCount: 8,
  sectionCount: 10,
  frameClass: 12,
  inputProfile: 13,
  tileIndexMode: 14,
  reserved0: 15,
  latencyBudgetMs: 16,
  targetFpsX100: 18,
  retryOfFrame: 20,
  tileBaseId: 24,
  cameraBytes: 28,
  /** The Rust 3.8 decoder's reserved u64 over bytes 32..39 (checked in strict mode only). */
  reserved1: 32,
  /** u32 slot we write (nnrp-py ≥ 1.0.0rc2 and preview4.5+ layout, decisions.md §3). */
  tileIndexBytes: 32,
  /** u32 slot the Rust 3.8 encoder writes (data-plane.md §2.3); accepted when decoding. */
  tileIndexBytesRust38: 36,
  reserved2: 40,
  reserved3: 48,
  submitMode: 52,
  budgetPolicy: 53,
  lossTolerancePolicy: 54,
  reserved4: 55,
  objectRefMask: 56,
  dependencyFrameId: 60,
  payloadKindBitmap: 64,
  payloadFrameCount: 68,
  reserved5: 70,
} as const;

/** FRAME_SUBMIT (0x10) fixed metadata. preview3 has no operation id here: it is `header.frame_id`. */
export interface FrameSubmitMetadata {
  /** Tensor only (0 without the tensor bit), as every field down to `sectionCount`. */
  srcWidth: number;
  srcHeight: number;
  tileWidth: number;
  tileHeight: number;
  /** Number of tile ids in the tile index. */
  tileCount: number;
  /** Number of tensor sections. */
  sectionCount: number;
  /** See {@link FrameClass}; not validated, any u8 decodes. */
  frameClass: number;
  /** Must be {@link InputProfile.Unspecified} without the tensor bit. */
  inputProfile: InputProfile;
  /** Validated even for non-tensor submits, where it is meaningless. */
  tileIndexMode: TileIndexMode;
  /** Per-submit budget in ms (u16); 0 = none. */
  latencyBudgetMs: number;
  /** Target cadence × 100 (u16). */
  targetFpsX100: number;
  /** An earlier frame id, or 0. */
  retryOfFrame: number;
  /** Tensor only: first tile id for `dense_range`. */
  tileBaseId: number;
  /** Tensor only: length of the inline camera block. */
  cameraBytes: number;
  /** Tensor only: length of the inline tile-index block (decisions.md §3 for its position). */
  tileIndexBytes: number;
  submitMode: SubmitMode;
  /** {@link BudgetPolicy} bits, mask 0x0F. */
  budgetPolicy: number;
  /** See {@link LossTolerancePolicy}; not validated, any u8 decodes. */
  lossTolerancePolicy: number;
  /** Referenced standard slots; not validated by the metadata decoder (data-plane.md §2.8). */
  objectRefMask: number;
  /** Frame this one depends on, or 0. */
  dependencyFrameId: number;
  /** {@link PayloadKind} bits, mask 0x7F. */
  payloadKindBitmap: number;
  /** Number of typed payload descriptors in the body. */
  payloadFrameCount: number;
}

/** Options of {@link decodeFrameSubmit}. */
export interface FrameSubmitDecodeOptions {
  /**
   * Mirror the Rust 3.8 decoder: bytes 32..39 must all be zero (`frame_submit.reserved1`), so
   * `tileIndexBytes` is always 0. Default: the lenient rule of decisions.md §3.
   */
  strict?: boolean;
}

const RESERVED1 = 'frame_submit.reserved1';
const NON_TENSOR_RULE = 'non-tensor FRAME_SUBMIT must clear tensor tile fields';
/** True when a tensor-only field is set. Spelled out: this runs for every submit (hot path). */
function anyTensorFieldSet(m: FrameSubmitMetadata): boolean {
  return (
    (m.srcWidth |
      m.srcHeight |
      m.tileWidth |
      m.tileHeight |
      m.tileCount |
      m.sectionCount |
      m.tileBaseId |
      m.cameraBytes |
      m.tileIndexBytes |
      m.inputProfile) !==
    0
  );
}

/**
 * Decodes FRAME_SUBMIT metadata in the reference order (data-plane.md §2.2): length ≥ 72;
 * reserved0, reserved1 (see below), reserved2..5; budget and payload-kind masks; the
 * `input_profile`, `tile_index_mode`, `submit_mode` enums; the non-tensor shape rule.
 *
 * `tile_index_bytes` (decisions.md §3): exactly one non-zero u32 at 32..35 / 36..39 is the value,
 * both zero is 0, both non-zero is `NonZeroReservedField(frame_submit.reserved1)`. With
 * `{ strict: true }` any non-zero byte in 32..39 is rejected, as the Rust 3.8 decoder does.
 * Extra trailing bytes are ignored; the runtime requires `meta_len` = 72 exactly.
 */
export function decodeFrameSubmit(
  src: Buffer,
  options?: FrameSubmitDecodeOptions,
): FrameSubmitMetadata {
  requireLength(src, FRAME_SUBMIT_METADATA_LEN, 'frame_submit');
  requireZero(src[FrameSubmitOffset.reserved0], 'frame_submit.reserved0');
  const tileIndexBytes = readTileIndexBytes(src, options?.strict === true);
  requireZeroU64(src, FrameSubmitOffset.reserved2, 'frame_submit.reserved2');
  requireZero(readU32(src, FrameSubmitOffset.reserved3), 'frame_submit.reserved3');
  requireZero(src[FrameSubmitOffset.reserved4], 'frame_submit.reserved4');
  requireZero(readU16(src, FrameSubmitOffset.reserved5), 'frame_submit.reserved5');
  const metadata: FrameSubmitMetadata = {
    srcWidth: readU16(src, FrameSubmitOffset.srcWidth),
    srcHeight: readU16(src, FrameSubmitOffset.srcHeight),
    tileWidth: readU16(src, FrameSubmitOffset.tileWidth),
    tileHeight: readU16(src, FrameSubmitOffset.tileHeight),
    tileCount: readU16(src, FrameSubmitOffset.tileCount),
    sectionCount: readU16(src, FrameSubmitOffset.sectionCount),
    frameClass: src[FrameSubmitOffset.frameClass],
    inputProfile: src[FrameSubmitOffset.inputProfile],
    tileIndexMode: src[FrameSubmitOffset.tileIndexMode],
    latencyBudgetMs: readU16(src, FrameSubmitOffset.latencyBudgetMs),
    targetFpsX100: readU16(src, FrameSubmitOffset.targetFpsX100),
    retryOfFrame: readU32(src, FrameSubmitOffset.retryOfFrame),
    tileBaseId: readU32(src, FrameSubmitOffset.tileBaseId),
    cameraBytes: readU32(src, FrameSubmitOffset.cameraBytes),
    tileIndexBytes,
    submitMode: src[FrameSubmitOffset.submitMode],
    budgetPolicy: src[FrameSubmitOffset.budgetPolicy],
    lossTolerancePolicy: src[FrameSubmitOffset.lossTolerancePolicy],
    objectRefMask: readU32(src, FrameSubmitOffset.objectRefMask),
    dependencyFrameId: readU32(src, FrameSubmitOffset.dependencyFrameId),
    payloadKindBitmap: readU32(src, FrameSubmitOffset.payloadKindBitmap),
    payloadFrameCount: readU16(src, FrameSubmitOffset.payloadFrameCount),
  };
  validateFrameSubmitFields(metadata);
  return metadata;
}

/**
 * An all-zero FRAME_SUBMIT: valid as is (payload kinds 0, inline, data-plane.md §2.2), and the
 * base every sender spreads its own fields over.
 */
export const EMPTY_FRAME_SUBMIT: Readonly<FrameSubmitMetadata> = Object.freeze({
  srcWidth: 0,
  srcHeight: 0,
  tileWidth: 0,
  tileHeight: 0,
  tileCount: 0,
  sectionCount: 0,
  frameClass: 0,
  inputProfile: 0,
  tileIndexMode: 0,
  latencyBudgetMs: 0,
  targetFpsX100: 0,
  retryOfFrame: 0,
  tileBaseId: 0,
  cameraBytes: 0,
  tileIndexBytes: 0,
  submitMode: 0,
  budgetPolicy: 0,
  lossTolerancePolicy: 0,
  objectRefMask: 0,
  dependencyFrameId: 0,
  payloadKindBitmap: 0,
  payloadFrameCount: 0,
});

/**
 * Encodes FRAME_SUBMIT metadata (72 bytes, reserved zero), refusing what the decoder refuses.
 * `tileIndexBytes` is written at bytes 32..35 (decisions.md §3); a Rust 3.8 peer only accepts
 * it when it is 0.
 */
export function encodeFrameSubmit(m: FrameSubmitMetadata): Buffer {
  validateFrameSubmitFields(m);
  const out = Buffer.alloc(FRAME_SUBMIT_METADATA_LEN);
  out.writeUInt16LE(m.srcWidth, FrameSubmitOffset.srcWidth);
  out.writeUInt16LE(m.srcHeight, FrameSubmitOffset.srcHeight);
  out.writeUInt16LE(m.tileWidth, FrameSubmitOffset.tileWidth);
  out.writeUInt16LE(m.tileHeight, FrameSubmitOffset.tileHeight);
  out.writeUInt16LE(m.tileCount, FrameSubmitOffset.tileCount);
  out.writeUInt16LE(m.sectionCount, FrameSubmitOffset.sectionCount);
  out.writeUInt8(m.frameClass, FrameSubmitOffset.frameClass);
  out.writeUInt8(m.inputProfile, FrameSubmitOffset.inputProfile);
  out.writeUInt8(m.tileIndexMode, FrameSubmitOffset.tileIndexMode);
  out.writeUInt16LE(m.latencyBudgetMs, FrameSubmitOffset.latencyBudgetMs);
  out.writeUInt16LE(m.targetFpsX100, FrameSubmitOffset.targetFpsX100);
  out.writeUInt32LE(m.retryOfFrame, FrameSubmitOffset.retryOfFrame);
  out.writeUInt32LE(m.tileBaseId, FrameSubmitOffset.tileBaseId);
  out.writeUInt32LE(m.cameraBytes, FrameSubmitOffset.cameraBytes);
  out.writeUInt32LE(m.tileIndexBytes, FrameSubmitOffset.tileIndexBytes);
  out.writeUInt8(m.submitMode, FrameSubmitOffset.submitMode);
  out.writeUInt8(m.budgetPolicy, FrameSubmitOffset.budgetPolicy);
  out.writeUInt8(m.lossTolerancePolicy, FrameSubmitOffset.lossTolerancePolicy);
  out.writeUInt32LE(m.objectRefMask, FrameSubmitOffset.objectRefMask);
  out.writeUInt32LE(m.dependencyFrameId, FrameSubmitOffset.dependencyFrameId);
  out.writeUInt32LE(m.payloadKindBitmap, FrameSubmitOffset.payloadKindBitmap);
  out.writeUInt16LE(m.payloadFrameCount, FrameSubmitOffset.payloadFrameCount);
  return out;
}

/** Where `tile_index_bytes` is, per decisions.md §3 (lenient) or the Rust 3.8 decoder (strict). */
function readTileIndexBytes(src: Buffer, strict: boolean): number {
  if (strict) {
    requireZeroU64(src, FrameSubmitOffset.reserved1, RESERVED1);
    return 0;
  }
  const ours = readU32(src, FrameSubmitOffset.tileIndexBytes);
  const rust38 = readU32(src, FrameSubmitOffset.tileIndexBytesRust38);
  if (ours !== 0) {
    // Both slots set cannot come from any known encoder: treat it as a dirty reserved field.
    requireZero(rust38, RESERVED1);
    return ours;
  }
  return rust38;
}

/** Steps 4–6 of data-plane.md §2.2, shared by decoder and encoder. */
function validateFrameSubmitFields(m: FrameSubmitMetadata): void {
  requireMask(m.budgetPolicy, BUDGET_POLICY_MASK, 'frame_submit.budget_policy');
  requireMask(m.payloadKindBitmap, PAYLOAD_KIND_MASK, 'frame_submit.payload_kind_bitmap');
  requireEnum(
    m.inputProfile,
    InputProfile.Unspecified,
    InputProfile.DenseLumaFrame,
    'input_profile',
  );
  requireEnum(m.tileIndexMode, TileIndexMode.DenseRange, TileIndexMode.Bitset, 'tile_index_mode');
  requireEnum(m.submitMode, SubmitMode.Inline, SubmitMode.Mixed, 'submit_mode');
  requireTensorFieldsClear(m.payloadKindBitmap, anyTensorFieldSet(m), NON_TENSOR_RULE);
}
