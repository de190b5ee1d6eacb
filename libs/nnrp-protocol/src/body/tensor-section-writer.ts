import { requireRule } from '../metadata/field-checks';
import { alignUp, requireU32Length, U16_MAX } from './body-bounds';
import {
  requireTensorSectionShape,
  requireTensorSectionVocabulary,
  TENSOR_SECTION_DESC_LEN,
  TENSOR_TILE_LENGTH_BYTES,
  TensorSectionFlag,
  type TensorDtype,
  type TensorLayout,
  type TensorScalePolicy,
  type TensorSectionDesc,
  writeTensorSectionDesc,
} from './tensor-section';

const U8_MAX = 0xff;

/** One tensor section to build (the Python SDK's `TensorSectionData`, §11). */
export interface TensorSectionInput {
  roleId: number;
  /** Default codec of every tile. */
  codecId: number;
  dtypeId: TensorDtype;
  layoutId: TensorLayout;
  scalePolicy: TensorScalePolicy;
  elementCountPerTile: number;
  /** Fixed slot size per tile (sets FIXED_STRIDE); 0 or absent = variable lengths. */
  payloadStrideBytes?: number;
  /** Per-tile codec ids; written (with MIXED_CODEC) only when some differ from `codecId`. */
  codecIds?: readonly number[];
  /** Exactly one payload per tile, in tile-index order. */
  tilePayloads: readonly Uint8Array[];
}

/** One planned section: its descriptor, its input and its offset from the table start. */
export interface TensorSectionPlan {
  readonly desc: TensorSectionDesc;
  readonly input: TensorSectionInput;
  /** Offset of the section from the table start (a multiple of 8). */
  readonly at: number;
}

/** A validated section table layout: where each section goes and the table's total length. */
export interface TensorSectionTablePlan {
  readonly sections: readonly TensorSectionPlan[];
  readonly byteLength: number;
}

function describeSection(input: TensorSectionInput, tileCount: number): TensorSectionDesc {
  requireRule(
    input.tilePayloads.length === tileCount,
    'each tensor section carries exactly tile_count tile payloads',
  );
  const stride = input.payloadStrideBytes ?? 0;
  const codecIds = input.codecIds ?? [];
  requireRule(
    codecIds.length === 0 || codecIds.length === tileCount,
    'codec_ids must hold one codec per tile',
  );
  requireRule(
    codecIds.every((codec) => Number.isInteger(codec) && codec >= 0 && codec <= U8_MAX),
    'codec ids must be u8 values',
  );
  const mixed = codecIds.some((codec) => codec !== input.codecId);
  let payloadBytes = stride * tileCount;
  if (stride === 0) {
    payloadBytes = input.tilePayloads.reduce((sum, payload) => sum + payload.length, 0);
  } else {
    requireRule(
      input.tilePayloads.every((payload) => payload.length <= stride),
      'fixed-stride tile length must not exceed payload_stride_bytes',
    );
  }
  requireU32Length(payloadBytes, 'tensor_section.payload_bytes');
  const desc: TensorSectionDesc = {
    roleId: input.roleId,
    codecId: input.codecId,
    dtypeId: input.dtypeId,
    layoutId: input.layoutId,
    scalePolicy: input.scalePolicy,
    flags:
      (mixed ? TensorSectionFlag.MixedCodec : 0) |
      (stride !== 0 ? TensorSectionFlag.FixedStride : 0),
    elementCountPerTile: input.elementCountPerTile,
    codecTableBytes: mixed ? tileCount : 0,
    lengthTableBytes: tileCount * TENSOR_TILE_LENGTH_BYTES,
    payloadBytes,
    payloadStrideBytes: stride,
  };
  requireTensorSectionVocabulary(desc);
  requireTensorSectionShape(desc, tileCount);
  return desc;
}

function sectionByteLength(desc: TensorSectionDesc): number {
  return TENSOR_SECTION_DESC_LEN + desc.codecTableBytes + desc.lengthTableBytes + desc.payloadBytes;
}

/**
 * Validates sections for a body of `tileCount` tiles and lays them out (§2.10): strictly
 * increasing role ids, one payload per tile, each section 8-aligned from the table start.
 */
export function planTensorSectionTable(
  sections: readonly TensorSectionInput[],
  tileCount: number,
): TensorSectionTablePlan {
  requireRule(sections.length <= U16_MAX, 'section_count must fit in a u16');
  const plans: TensorSectionPlan[] = [];
  let end = 0;
  for (const input of sections) {
    const previous = plans[plans.length - 1];
    requireRule(
      previous === undefined || input.roleId > previous.desc.roleId,
      'tensor sections must have strictly increasing role_id',
    );
    const desc = describeSection(input, tileCount);
    const at = alignUp(end);
    plans.push({ desc, input, at });
    end = at + sectionByteLength(desc);
  }
  requireU32Length(end, 'tensor_section_table');
  return { sections: plans, byteLength: end };
}

/** Writes a planned section table at `at`, padding included (every byte of its range). */
export function writeTensorSectionTable(
  plan: TensorSectionTablePlan,
  target: Buffer,
  at: number,
): void {
  let end = at;
  for (const { desc, input, at: offset } of plan.sections) {
    const start = at + offset;
    target.fill(0, end, start);
    writeTensorSectionDesc(desc, target, start);
    let cursor = start + TENSOR_SECTION_DESC_LEN;
    if (desc.codecTableBytes !== 0) {
      target.set(input.codecIds ?? [], cursor);
      cursor += desc.codecTableBytes;
    }
    for (const payload of input.tilePayloads) {
      target.writeUInt32LE(payload.length, cursor);
      cursor += TENSOR_TILE_LENGTH_BYTES;
    }
    for (const payload of input.tilePayloads) {
      target.set(payload, cursor);
      const slotEnd = cursor + (desc.payloadStrideBytes || payload.length);
      target.fill(0, cursor + payload.length, slotEnd);
      cursor = slotEnd;
    }
    end = cursor;
  }
}
