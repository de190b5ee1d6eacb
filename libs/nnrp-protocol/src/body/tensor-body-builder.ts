import { ProfileId } from '../messages/control/session-vocabulary';
import { requireRule } from '../metadata/field-checks';
import { alignUp, allocateBody, requireU32Length } from './body-bounds';
import {
  type BodyContent,
  composeBody,
  type InlineObjectInput,
  type TypedPayloadFrameInput,
} from './body-composer';
import { InlineObjectKind } from './inline-object-block';
import type { ObjectReferenceBlock } from './object-reference-block';
import {
  submitSlotOfKind,
  SubmitObjectSlot,
  validateSubmitObjectRefMask,
} from './object-reference-region';
import { type TensorBodyLayout, selectTensorBodyLayout } from './tensor-body-view';
import {
  planTensorSectionTable,
  type TensorSectionInput,
  type TensorSectionTablePlan,
  writeTensorSectionTable,
} from './tensor-section-writer';
import { isDenseRange, type TileIds, tileIndexByteLength, writeTileIndex } from './tile-index';
import { PayloadKind } from '../messages/data/payload-kind';
import { SubmitMode, TileIndexMode } from '../messages/data/submit-vocabulary';

/** Input of {@link buildTensorResultBody}. */
export interface TensorResultBodyInput {
  /** The layout of the submit this answers (`selectTensorBodyLayout(submit)`, decisions §4). */
  layout: TensorBodyLayout;
  /** u16 tile ids in payload order. */
  tileIds: TileIds;
  /**
   * `tile_index_mode` value (§10.4). Results carry only raw_u16 or dense_range (§3.1).
   * Default: dense_range when the ids are a consecutive run from `tileBaseId`, else raw_u16.
   */
  tileIndexMode?: number;
  /** `tile_base_id`; defaults to the first id for dense_range, else 0. */
  tileBaseId?: number;
  /** Sections in strictly increasing role order, each with one payload per tile. */
  sections: readonly TensorSectionInput[];
  /** Composed only: typed payload frames beside the tensor (a mixed body, §3.4). */
  typedPayloads?: readonly TypedPayloadFrameInput[];
  /** Composed only: the non-tensor `payload_kind_bitmap` bits of those frames (§10.1). */
  extraPayloadKinds?: number;
}

/** Input of {@link buildTensorSubmitBody}: a result's input plus what only a submit carries. */
export interface TensorSubmitBodyInput extends TensorResultBodyInput {
  /** Any of the four `tile_index_mode` values. */
  tileIndexMode?: number;
  /** Inline camera block (`camera_bytes`). */
  cameraBlock?: Uint8Array;
  /**
   * Composed only: object references (§2.8). A tensor slot named here (camera, tile index,
   * section table) is not written inline and declares 0 bytes; the peer resolves it from cache.
   */
  objectReferences?: readonly ObjectReferenceBlock[];
}

/** A built tensor body and the metadata fields the caller copies into RESULT_PUSH. */
export interface TensorBodyBuild {
  body: Buffer;
  tileCount: number;
  sectionCount: number;
  tileIndexBytes: number;
  tileBaseId: number;
  /** The mode used (FRAME_SUBMIT carries it; RESULT_PUSH implies it from tile_index_bytes). */
  tileIndexMode: number;
  payloadKindBitmap: number;
  payloadFrameCount: number;
}

/** A built tensor submit body and the metadata fields the caller copies into FRAME_SUBMIT. */
export interface TensorSubmitBodyBuild extends TensorBodyBuild {
  cameraBytes: number;
  submitMode: number;
  objectRefMask: number;
}

const RESULT_TILE_INDEX_RULE = 'RESULT_PUSH tile index must be raw_u16 or dense_range';
const LEGACY_EXTRAS_RULE =
  'legacy tensor body carries no typed payloads, references or other payload kinds';
const COMPOSED_NEEDS_MARKER_RULE =
  'composed tensor submit needs typed payloads, object references or non-tensor payload kinds, or it is read as legacy';

// What the layouts share: the tile index and section table, validated and sized.
interface TensorPlan {
  tileIndexMode: number;
  tileBaseId: number;
  tileIndexBytes: number;
  table: TensorSectionTablePlan;
}

function planTensor(input: TensorResultBodyInput): TensorPlan {
  const { tileIds } = input;
  const denseBase = input.tileBaseId ?? tileIds[0] ?? 0;
  const tileIndexMode =
    input.tileIndexMode ??
    (isDenseRange(tileIds, denseBase) ? TileIndexMode.DenseRange : TileIndexMode.RawU16);
  const tileBaseId =
    tileIndexMode === TileIndexMode.DenseRange ? denseBase : (input.tileBaseId ?? 0);
  return {
    tileIndexMode,
    tileBaseId,
    tileIndexBytes: tileIndexByteLength(tileIndexMode, tileIds, tileBaseId),
    table: planTensorSectionTable(input.sections, tileIds.length),
  };
}

function tileIndexContent(input: TensorResultBodyInput, plan: TensorPlan): BodyContent {
  return {
    byteLength: plan.tileIndexBytes,
    write: (target, at) => writeTileIndex(plan.tileIndexMode, input.tileIds, target, at),
  };
}

function sectionTableContent(plan: TensorPlan): BodyContent {
  return {
    byteLength: plan.table.byteLength,
    write: (target, at) => writeTensorSectionTable(plan.table, target, at),
  };
}

// decisions §4: camera ‖ pad8 ‖ tile index ‖ (sections > 0: pad8 ‖ sections), one allocation.
function buildLegacyBody(
  camera: Uint8Array,
  input: TensorResultBodyInput,
  plan: TensorPlan,
): Buffer {
  const tileIndexAt = alignUp(camera.length);
  const tileIndexEnd = tileIndexAt + plan.tileIndexBytes;
  const hasSections = plan.table.sections.length > 0;
  const tableAt = hasSections ? alignUp(tileIndexEnd) : tileIndexEnd;
  const length = tableAt + (hasSections ? plan.table.byteLength : 0);
  requireU32Length(length, 'tensor_body');
  const body = allocateBody(length);
  body.set(camera, 0);
  body.fill(0, camera.length, tileIndexAt);
  tileIndexContent(input, plan).write(body, tileIndexAt);
  body.fill(0, tileIndexEnd, tableAt);
  if (hasSections) {
    sectionTableContent(plan).write(body, tableAt);
  }
  return body;
}

// The §2.10 inline objects of a composed body, leaving out slots sent by reference.
function tensorInlineObjects(
  camera: Uint8Array,
  input: TensorResultBodyInput,
  plan: TensorPlan,
  referencedMask: number,
): InlineObjectInput[] {
  const objects: InlineObjectInput[] = [];
  const add = (
    objectKind: InlineObjectKind,
    slot: SubmitObjectSlot,
    present: boolean,
    payload: BodyContent | Uint8Array,
  ): void => {
    if (present && (referencedMask & slot) === 0) {
      objects.push({ objectKind, profileId: ProfileId.Tensor, payload });
    }
  };
  add(InlineObjectKind.CameraBlock, SubmitObjectSlot.CameraBlock, camera.length > 0, camera);
  add(
    InlineObjectKind.TileIndexBlock,
    SubmitObjectSlot.TileIndexBlock,
    input.tileIds.length > 0,
    tileIndexContent(input, plan),
  );
  add(
    InlineObjectKind.TensorSectionTable,
    SubmitObjectSlot.TensorSectionTable,
    plan.table.sections.length > 0,
    sectionTableContent(plan),
  );
  return objects;
}

function buildTensorBody(
  input: TensorSubmitBodyInput,
  role: 'submit' | 'result',
): TensorSubmitBodyBuild {
  const plan = planTensor(input);
  const camera = input.cameraBlock ?? new Uint8Array(0);
  const references = input.objectReferences ?? [];
  const typedPayloads = input.typedPayloads ?? [];
  const payloadKindBitmap = PayloadKind.Tensor | (input.extraPayloadKinds ?? 0);
  const referencedMask = references.reduce(
    (mask, r) => mask | (submitSlotOfKind(r.objectKind) ?? 0),
    0,
  );
  const referenced = (slot: SubmitObjectSlot): boolean => (referencedMask & slot) !== 0;
  const keepsInlineSlot =
    (camera.length > 0 && !referenced(SubmitObjectSlot.CameraBlock)) ||
    (input.tileIds.length > 0 && !referenced(SubmitObjectSlot.TileIndexBlock)) ||
    (plan.table.sections.length > 0 && !referenced(SubmitObjectSlot.TensorSectionTable));
  let submitMode: number = SubmitMode.Inline;
  if (referencedMask !== 0) {
    submitMode = keepsInlineSlot ? SubmitMode.Mixed : SubmitMode.Reference;
  }
  validateSubmitObjectRefMask(submitMode, referencedMask);
  const marker = {
    payloadKindBitmap,
    submitMode,
    payloadFrameCount: typedPayloads.length,
    objectRefMask: referencedMask,
  };
  let body: Buffer;
  if (input.layout === 'legacy') {
    requireRule(selectTensorBodyLayout(marker) === 'legacy', LEGACY_EXTRAS_RULE);
    body = buildLegacyBody(camera, input, plan);
  } else {
    requireRule(
      role === 'result' || selectTensorBodyLayout(marker) === 'composed',
      COMPOSED_NEEDS_MARKER_RULE,
    );
    body = composeBody({
      inlineObjects: tensorInlineObjects(camera, input, plan, referencedMask),
      objectReferences: references,
      typedPayloads,
      payloadKindBitmap,
    });
  }
  return {
    body,
    tileCount: input.tileIds.length,
    sectionCount: plan.table.sections.length,
    tileIndexBytes: referenced(SubmitObjectSlot.TileIndexBlock) ? 0 : plan.tileIndexBytes,
    tileBaseId: plan.tileBaseId,
    tileIndexMode: plan.tileIndexMode,
    payloadKindBitmap,
    payloadFrameCount: typedPayloads.length,
    cameraBytes: referenced(SubmitObjectSlot.CameraBlock) ? 0 : camera.length,
    submitMode,
    objectRefMask: referencedMask,
  };
}

/**
 * Builds a tensor RESULT_PUSH body in one call and one allocation, in the layout of the submit
 * it answers (decisions §4: legacy = tile index ‖ pad8 ‖ sections; composed = prelude + inline
 * objects). Returns the metadata fields (tile_count, section_count, tile_index_bytes,
 * tile_base_id, payload_kind_bitmap, payload_frame_count) to copy into RESULT_PUSH.
 */
export function buildTensorResultBody(input: TensorResultBodyInput): TensorBodyBuild {
  const mode = input.tileIndexMode;
  requireRule(
    mode === undefined || mode === TileIndexMode.DenseRange || mode === TileIndexMode.RawU16,
    RESULT_TILE_INDEX_RULE,
  );
  const {
    cameraBytes: _camera,
    submitMode: _mode,
    objectRefMask: _mask,
    ...build
  } = buildTensorBody({ ...input, cameraBlock: undefined, objectReferences: undefined }, 'result');
  return build;
}

/**
 * Builds a tensor FRAME_SUBMIT body (clients, tests) in either layout with any tile index
 * mode, and returns every body-driven metadata field for FRAME_SUBMIT. A composed submit must
 * differ from a legacy one (typed payloads, references or extra payload kinds), or the
 * receiver would read it as legacy.
 */
export function buildTensorSubmitBody(input: TensorSubmitBodyInput): TensorSubmitBodyBuild {
  return buildTensorBody(input, 'submit');
}
