import { requireLength } from '../../src/metadata/field-checks';
import {
  decodeTypedPayloadDescriptor,
  encodeTypedPayloadDescriptor,
} from '../../src/body/typed-payload-descriptor';
import { CACHE_ERROR_CODE_NAMES } from '../../src/messages/cache';
import {
  decodeFrameSubmit,
  decodeResultPush,
  encodeFrameSubmit,
  encodeResultPush,
  FrameSubmitMetadata,
  ResultPushMetadata,
} from '../../src/messages/data';
import {
  decodeSchemaDescriptorHeader,
  encodeSchemaDescriptorHeader,
  SCHEMA_ERROR_CODE_NAMES,
  SchemaDescriptorHeader,
} from '../../src/schema';
import {
  Convert,
  FieldSpec,
  flagNames,
  mapFields,
  named,
  num,
  same,
  to,
  u64,
} from './vector-fields';
import { VectorRecipe, VectorRecipeTable } from './vector-recipe';

// Recipes for the data-plane, schema and error-code recipe_types of vectors.json. Name → value
// maps are written out from the spec tables (data-plane.md §10) so they check our enums
// instead of trusting them. FRAME_SUBMIT vectors come from the Rust 3.8 encoder, so they are
// decoded in strict mode (decisions.md §3).

const SUBMIT_MODE = { inline: 0, reference: 1, mixed: 2 };
const TILE_INDEX_MODE = { dense_range: 0, raw_u16: 1, delta_u16: 2, bitset: 3 };
const INPUT_PROFILE = { unspecified: 0, changed_tiles_luma: 1, dense_luma_frame: 2 };
const FRAME_CLASS = { keyframe: 0, delta: 1, retransmit: 2, discardable: 3 };
const LOSS_TOLERANCE = {
  strict: 0,
  best_effort: 1,
  low_latency: 2,
  fire_and_forget: 3,
  inherit: 0xff,
};
const RESULT_CLASS = { complete: 0, partial: 1, stale_reuse: 2, degraded: 3 };
const BUDGET_POLICY = {
  allow_partial: 0x01,
  allow_stale_reuse: 0x02,
  allow_degraded: 0x04,
  allow_drop: 0x08,
};
const PAYLOAD_KIND = {
  tensor: 0x01,
  token_chunk: 0x02,
  audio_chunk: 0x04,
  video_chunk: 0x08,
  structured_event: 0x10,
  tool_delta: 0x20,
  opaque_bytes: 0x40,
};
const RESULT_FLAGS = { stale: 0x1, fallback: 0x2, partial: 0x4 };
const DESCRIPTOR_FLAGS = {
  terminal: 0x1,
  partial: 0x2,
  schema_override: 0x4,
  profile_hint_present: 0x8,
};
const SCHEMA_FLAGS = { cacheable: 0x1, critical: 0x2, default_bindable: 0x4, hash_stable: 0x8 };
const PROFILE = { unspecified: 0, tensor: 1, token: 2 };
const STREAM_SEMANTICS = {
  default: 0,
  snapshot: 1,
  append: 2,
  replace: 3,
  event: 4,
  tool_update: 5,
};

/** Which enum a `u32_value` vector's `kind` names, with the spec names of its members. */
const U32_VALUE_KINDS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  cache_error_code: CACHE_ERROR_CODE_NAMES,
  schema_error_code: SCHEMA_ERROR_CODE_NAMES,
};
const U32_LEN = 4;

/** A bitmask given as a number or as an array of flag names. */
function bits(values: Readonly<Record<string, number>>): Convert {
  return (value, field) =>
    Array.isArray(value) ? flagNames(values)(value, field) : num(value, field);
}

const u32ValueKind: Convert = (value, field) => {
  if (typeof value === 'string' && value in U32_VALUE_KINDS) return value;
  throw new Error(`vector field ${field}=${JSON.stringify(value)}: unknown u32_value kind`);
};

/** A recipe for a fixed-length block codec whose vector fields map through `spec`. */
function blockRecipe<T>(
  decode: (bytes: Buffer) => T,
  encode: (value: T) => Buffer,
  spec: FieldSpec,
): VectorRecipe {
  return {
    decode,
    encode: (decoded) => encode(decoded as T),
    expected: (fields, u64Fields) => mapFields(fields, spec, u64Fields),
  };
}

const FRAME_SUBMIT_FIELDS: FieldSpec = {
  ...same(
    num,
    'src_width',
    'src_height',
    'tile_width',
    'tile_height',
    'tile_count',
    'section_count',
    'latency_budget_ms',
    'target_fps_x100',
    'retry_of_frame',
    'tile_base_id',
    'camera_bytes',
    'tile_index_bytes',
    'object_ref_mask',
    'dependency_frame_id',
    'payload_frame_count',
  ),
  frame_class: to('frameClass', named(FRAME_CLASS)),
  input_profile: to('inputProfile', named(INPUT_PROFILE)),
  tile_index_mode: to('tileIndexMode', named(TILE_INDEX_MODE)),
  submit_mode: to('submitMode', named(SUBMIT_MODE)),
  budget_policy: to('budgetPolicy', bits(BUDGET_POLICY)),
  loss_tolerance_policy: to('lossTolerancePolicy', named(LOSS_TOLERANCE)),
  payload_kind_bitmap: to('payloadKindBitmap', bits(PAYLOAD_KIND)),
};

const RESULT_PUSH_FIELDS: FieldSpec = {
  ...same(
    num,
    'status_code',
    'section_count',
    'tile_count',
    'inference_ms',
    'queue_ms',
    'server_total_ms',
    'tile_base_id',
    'tile_index_bytes',
    'reused_frame_id',
    'covered_tile_count',
    'dropped_tile_count',
    'payload_frame_count',
  ),
  active_profile_id: to('activeProfileId', named(PROFILE)),
  result_flags: to('resultFlags', bits(RESULT_FLAGS)),
  result_class: to('resultClass', named(RESULT_CLASS)),
  applied_budget_policy: to('appliedBudgetPolicy', bits(BUDGET_POLICY)),
  payload_kind_bitmap: to('payloadKindBitmap', bits(PAYLOAD_KIND)),
};

const SCHEMA_DESCRIPTOR_FIELDS: FieldSpec = {
  ...same(num, 'schema_id', 'schema_version', 'min_version_major', 'max_version_major'),
  ...same(num, 'body_bytes', 'dependency_count'),
  profile_id: to('profileId', named(PROFILE)),
  schema_flags: to('schemaFlags', bits(SCHEMA_FLAGS)),
  default_stream_semantics: to('defaultStreamSemantics', named(STREAM_SEMANTICS)),
  schema_hash: to('schemaHash', u64),
};

const TYPED_PAYLOAD_DESCRIPTOR_FIELDS: FieldSpec = {
  ...same(num, 'schema_id', 'schema_version', 'offset', 'length'),
  profile_id: to('profileId', named(PROFILE)),
  descriptor_flags: to('descriptorFlags', bits(DESCRIPTOR_FLAGS)),
  stream_semantics: to('streamSemantics', named(STREAM_SEMANTICS)),
};

/** A wire code and the enum it belongs to, found from the value itself. */
interface U32Value {
  kind: string | undefined;
  value: number;
}

const U32_VALUE: VectorRecipe = {
  decode: (bytes): U32Value => {
    requireLength(bytes, U32_LEN, 'u32_value');
    const value = bytes.readUInt32LE(0);
    // The kind comes from membership, so a value missing from the vector's enum fails.
    const kind = Object.keys(U32_VALUE_KINDS).find((name) =>
      Object.values(U32_VALUE_KINDS[name]).includes(value),
    );
    return { kind, value };
  },
  encode: (decoded) => {
    const out = Buffer.alloc(U32_LEN);
    out.writeUInt32LE((decoded as U32Value).value);
    return out;
  },
  expected: (fields, u64Fields) =>
    mapFields(fields, { kind: to('kind', u32ValueKind), value: to('value', num) }, u64Fields),
};

/** Recipes by `recipe_type` for the data plane, schema descriptors and error-code values. */
export const DATA_RECIPES: VectorRecipeTable = {
  frame_submit_metadata: blockRecipe<FrameSubmitMetadata>(
    (bytes) => decodeFrameSubmit(bytes, { strict: true }),
    encodeFrameSubmit,
    FRAME_SUBMIT_FIELDS,
  ),
  result_push_metadata: blockRecipe<ResultPushMetadata>(
    decodeResultPush,
    encodeResultPush,
    RESULT_PUSH_FIELDS,
  ),
  schema_descriptor_header: blockRecipe<SchemaDescriptorHeader>(
    decodeSchemaDescriptorHeader,
    encodeSchemaDescriptorHeader,
    SCHEMA_DESCRIPTOR_FIELDS,
  ),
  typed_payload_descriptor_v3: blockRecipe(
    decodeTypedPayloadDescriptor,
    encodeTypedPayloadDescriptor,
    TYPED_PAYLOAD_DESCRIPTOR_FIELDS,
  ),
  u32_value: U32_VALUE,
};
