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
import { RESULT_FLAGS_MASK, ResultClass } from './result-vocabulary';
import { requireTensorFieldsClear } from './tensor-shape-rule';

/** Fixed metadata length of RESULT_PUSH (data-plane.md §3.1). */
export const RESULT_PUSH_METADATA_LEN = 64;

/** Byte offsets of RESULT_PUSH metadata fields (data-plane.md §3.1). */
export const ResultPushOffset = {
  statusCode: 0,
  resultFlags: 2,
  sectionCount: 4,
  tileCount: 6,
  activeProfileId: 8,
  reserved0: 10,
  inferenceMs: 12,
  queueMs: 14,
  serverTotalMs: 16,
  reserved1: 18,
  tileBaseId: 20,
  tileIndexBytes: 24,
  reserved2: 28,
  reserved3: 36,
  resultClass: 44,
  appliedBudgetPolicy: 45,
  reserved4: 46,
  reusedFrameId: 48,
  coveredTileCount: 52,
  droppedTileCount: 54,
  payloadKindBitmap: 56,
  payloadFrameCount: 60,
  reserved5: 62,
} as const;

/**
 * RESULT_PUSH (0x12) fixed metadata. There is no `tile_index_mode`: a result tile index is
 * raw_u16 when `tileIndexBytes > 0`, dense_range otherwise (data-plane.md §3.1).
 */
export interface ResultPushMetadata {
  /** Opaque (no registry); decisions.md §5 defaults it to 0 on success. */
  statusCode: number;
  /** {@link ResultFlag} bits, mask 0x0007. */
  resultFlags: number;
  /** Tensor only (0 without the tensor bit), as `tileCount`, `tileBaseId`, `tileIndexBytes`. */
  sectionCount: number;
  tileCount: number;
  /** Profile actually used (2 for token results). */
  activeProfileId: number;
  /** Timings are u16 milliseconds: saturate, never wrap (data-plane.md §12 item 24). */
  inferenceMs: number;
  queueMs: number;
  serverTotalMs: number;
  tileBaseId: number;
  tileIndexBytes: number;
  resultClass: ResultClass;
  /** {@link BudgetPolicy} bits, mask 0x0F. */
  appliedBudgetPolicy: number;
  /** Source frame of a stale reuse, else 0. */
  reusedFrameId: number;
  /** Tensor only, as `droppedTileCount`. */
  coveredTileCount: number;
  droppedTileCount: number;
  /** {@link PayloadKind} bits, mask 0x7F. */
  payloadKindBitmap: number;
  /** Number of typed payload descriptors in the body. */
  payloadFrameCount: number;
}

const NON_TENSOR_RULE = 'non-tensor RESULT_PUSH must clear tensor coverage fields';
/** True when a tensor-only field is set. Spelled out: this runs for every result (hot path). */
function anyTensorFieldSet(m: ResultPushMetadata): boolean {
  return (
    (m.sectionCount |
      m.tileCount |
      m.tileBaseId |
      m.tileIndexBytes |
      m.coveredTileCount |
      m.droppedTileCount) !==
    0
  );
}

/**
 * Decodes RESULT_PUSH metadata in the reference order (data-plane.md §3.2): length ≥ 64;
 * reserved0..5; result-flag, applied-budget and payload-kind masks; `result_class`; the
 * non-tensor shape rule. Extra trailing bytes are ignored; the runtime requires `meta_len` = 64.
 */
export function decodeResultPush(src: Buffer): ResultPushMetadata {
  requireLength(src, RESULT_PUSH_METADATA_LEN, 'result_push');
  requireZero(readU16(src, ResultPushOffset.reserved0), 'result_push.reserved0');
  requireZero(readU16(src, ResultPushOffset.reserved1), 'result_push.reserved1');
  requireZeroU64(src, ResultPushOffset.reserved2, 'result_push.reserved2');
  requireZeroU64(src, ResultPushOffset.reserved3, 'result_push.reserved3');
  requireZero(readU16(src, ResultPushOffset.reserved4), 'result_push.reserved4');
  requireZero(readU16(src, ResultPushOffset.reserved5), 'result_push.reserved5');
  const metadata: ResultPushMetadata = {
    statusCode: readU16(src, ResultPushOffset.statusCode),
    resultFlags: readU16(src, ResultPushOffset.resultFlags),
    sectionCount: readU16(src, ResultPushOffset.sectionCount),
    tileCount: readU16(src, ResultPushOffset.tileCount),
    activeProfileId: readU16(src, ResultPushOffset.activeProfileId),
    inferenceMs: readU16(src, ResultPushOffset.inferenceMs),
    queueMs: readU16(src, ResultPushOffset.queueMs),
    serverTotalMs: readU16(src, ResultPushOffset.serverTotalMs),
    tileBaseId: readU32(src, ResultPushOffset.tileBaseId),
    tileIndexBytes: readU32(src, ResultPushOffset.tileIndexBytes),
    resultClass: src[ResultPushOffset.resultClass],
    appliedBudgetPolicy: src[ResultPushOffset.appliedBudgetPolicy],
    reusedFrameId: readU32(src, ResultPushOffset.reusedFrameId),
    coveredTileCount: readU16(src, ResultPushOffset.coveredTileCount),
    droppedTileCount: readU16(src, ResultPushOffset.droppedTileCount),
    payloadKindBitmap: readU32(src, ResultPushOffset.payloadKindBitmap),
    payloadFrameCount: readU16(src, ResultPushOffset.payloadFrameCount),
  };
  validateResultPushFields(metadata);
  return metadata;
}

/** An all-zero RESULT_PUSH (a complete, non-tensor result): the base senders spread over. */
export const EMPTY_RESULT_PUSH: Readonly<ResultPushMetadata> = Object.freeze({
  statusCode: 0,
  resultFlags: 0,
  sectionCount: 0,
  tileCount: 0,
  activeProfileId: 0,
  inferenceMs: 0,
  queueMs: 0,
  serverTotalMs: 0,
  tileBaseId: 0,
  tileIndexBytes: 0,
  resultClass: 0,
  appliedBudgetPolicy: 0,
  reusedFrameId: 0,
  coveredTileCount: 0,
  droppedTileCount: 0,
  payloadKindBitmap: 0,
  payloadFrameCount: 0,
});

/** Encodes RESULT_PUSH metadata (64 bytes, reserved zero), refusing what the decoder refuses. */
export function encodeResultPush(m: ResultPushMetadata): Buffer {
  validateResultPushFields(m);
  const out = Buffer.alloc(RESULT_PUSH_METADATA_LEN);
  out.writeUInt16LE(m.statusCode, ResultPushOffset.statusCode);
  out.writeUInt16LE(m.resultFlags, ResultPushOffset.resultFlags);
  out.writeUInt16LE(m.sectionCount, ResultPushOffset.sectionCount);
  out.writeUInt16LE(m.tileCount, ResultPushOffset.tileCount);
  out.writeUInt16LE(m.activeProfileId, ResultPushOffset.activeProfileId);
  out.writeUInt16LE(m.inferenceMs, ResultPushOffset.inferenceMs);
  out.writeUInt16LE(m.queueMs, ResultPushOffset.queueMs);
  out.writeUInt16LE(m.serverTotalMs, ResultPushOffset.serverTotalMs);
  out.writeUInt32LE(m.tileBaseId, ResultPushOffset.tileBaseId);
  out.writeUInt32LE(m.tileIndexBytes, ResultPushOffset.tileIndexBytes);
  out.writeUInt8(m.resultClass, ResultPushOffset.resultClass);
  out.writeUInt8(m.appliedBudgetPolicy, ResultPushOffset.appliedBudgetPolicy);
  out.writeUInt32LE(m.reusedFrameId, ResultPushOffset.reusedFrameId);
  out.writeUInt16LE(m.coveredTileCount, ResultPushOffset.coveredTileCount);
  out.writeUInt16LE(m.droppedTileCount, ResultPushOffset.droppedTileCount);
  out.writeUInt32LE(m.payloadKindBitmap, ResultPushOffset.payloadKindBitmap);
  out.writeUInt16LE(m.payloadFrameCount, ResultPushOffset.payloadFrameCount);
  return out;
}

/** Steps 3–5 of data-plane.md §3.2, shared by decoder and encoder. */
function validateResultPushFields(m: ResultPushMetadata): void {
  requireMask(m.resultFlags, RESULT_FLAGS_MASK, 'result_push.result_flags');
  requireMask(m.appliedBudgetPolicy, BUDGET_POLICY_MASK, 'result_push.applied_budget_policy');
  requireMask(m.payloadKindBitmap, PAYLOAD_KIND_MASK, 'result_push.payload_kind_bitmap');
  requireEnum(m.resultClass, ResultClass.Complete, ResultClass.Degraded, 'result_class');
  requireTensorFieldsClear(m.payloadKindBitmap, anyTensorFieldSet(m), NON_TENSOR_RULE);
}
