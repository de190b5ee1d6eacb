import { NnrpProtocolError, REFERENCE_ERROR_KIND } from '@nest-nnrp/protocol';
import { CONTROL_RECIPES } from '../../libs/nnrp-protocol/test/vectors/control-recipes';
import { DATA_RECIPES } from '../../libs/nnrp-protocol/test/vectors/data-recipes';
import {
  ConformanceVector,
  loadConformanceVectors,
} from '../../libs/nnrp-protocol/test/vectors/vector-file';
import { VectorRecipe } from '../../libs/nnrp-protocol/test/vectors/vector-recipe';

// The byte vectors behind each L0 case (and the L1 cases that name a wire fixture). The codec
// harness in libs/nnrp-protocol/test runs every vector on its own; here each vector is held to
// the case it proves, so a case cannot pass while its vectors are missing or renamed.

const VECTORS = loadConformanceVectors();
const RECIPES: Readonly<Record<string, VectorRecipe>> = { ...CONTROL_RECIPES, ...DATA_RECIPES };

/** Case id → the vectors.json entries that back it (positive and negative). */
export const VECTORS_BY_CASE: Readonly<Record<string, readonly string[]>> = {
  'l0.header.roundtrip.basic': ['l0.header.roundtrip.basic'],
  'l0.header.invalid_length.reject': [
    'l0.header.invalid_length.reject',
    'neg.header.header_len_24',
    'neg.header.header_len_41',
  ],
  'l0.header.length_mismatch.reject': [
    'l0.header.length_mismatch.reject',
    'neg.packet.truncated_metadata',
    'neg.packet.trailing_bytes',
    'neg.packet.length_overflow',
    'neg.packet.length_overflow_body',
  ],
  'l0.session_open.reserved_fields.reject': [
    'l0.session_open.reserved_fields.reject',
    'neg.session_open.reserved0_nonzero',
    'neg.session_open.reserved_session_flags',
  ],
  'l0.session_open_ack.reserved_fields.reject': [
    'l0.session_open_ack.reserved_fields.reject',
    'neg.session_open_ack.reserved_flags_ack',
  ],
  'l0.flow_update.reserved_flags.reject': ['l0.flow_update.reserved_flags.reject'],
  'l0.session_open.metadata.golden': ['preview3.metadata.session_open.default_context'],
  'l0.session_open_ack.metadata.golden': [
    'preview3.metadata.session_open_ack.opened',
    'l1.session.open_close.opened_ack',
  ],
  'l0.session_close.metadata.golden': [
    'preview3.metadata.session_close.drain',
    'l1.session.open_close.session_close_packet',
  ],
  'l0.session_close_ack.metadata.golden': [
    'preview3.metadata.session_close_ack.draining',
    'l1.session.open_close.session_close_ack_packet',
  ],
  'l0.flow_update.packet.golden': [
    'preview3.packet.flow_update.session_hard',
    'l1.flow_update.session_scope_packet',
  ],
  'l0.flow_update.connection.packet.golden': ['preview3.packet.flow_update.connection_grant'],
  'l0.flow_update.operation.packet.golden': [
    'preview3.packet.flow_update.operation_pause',
    'l1.flow_update.operation_scope_packet',
  ],
  'l0.session_resume.metadata.golden': [
    'preview3.metadata.session_open.resume_request',
    'l0.preview3.session_open.resume_request.golden',
  ],
  'l0.session_resume_ack.resumed.golden': [
    'preview3.metadata.session_open_ack.resumed',
    'l0.preview3.session_open_ack.resumed.golden',
  ],
  'l0.session_resume_ack.rejected.golden': ['preview3.metadata.session_open_ack.resume_rejected'],
  'l0.schema.descriptor.header.golden': [
    'preview3.metadata.schema_descriptor.token_v1',
    'l0.preview3.schema.token_delta.golden',
  ],
  'l0.cache.error_code.family.golden': [
    'preview3.value.cache_error_code.cache_miss',
    'preview3.value.cache_error_code.lease_expired',
    'preview3.value.cache_error_code.version_mismatch',
    'preview3.value.cache_error_code.dependency_invalid',
    'preview3.value.cache_error_code.schema_mismatch',
  ],
  'l0.schema.error_code.family.golden': [
    'preview3.value.schema_error_code.schema_unknown',
    'preview3.value.schema_error_code.schema_version_unknown',
    'preview3.value.schema_error_code.schema_hash_conflict',
    'preview3.value.schema_error_code.schema_incompatible',
    'preview3.value.schema_error_code.schema_dependency_missing',
    'preview3.value.schema_error_code.schema_update_rejected',
  ],
  'l0.typed_payload.descriptor.golden': [
    'preview3.metadata.typed_payload_descriptor.token_partial',
    'l0.preview3.typed_payload.token_descriptor.golden',
  ],
};

/** A vector by name; throws when vectors.json no longer has it. */
export function vectorNamed(name: string): ConformanceVector {
  const vector = VECTORS.find((candidate) => candidate.name === name);
  if (!vector) throw new Error(`vectors.json has no vector named ${name}`);
  return vector;
}

/** The bytes of a vector. */
export function vectorBytes(name: string): Buffer {
  return Buffer.from(vectorNamed(name).hex, 'hex');
}

function recipeOf(vector: ConformanceVector): VectorRecipe {
  const recipe = RECIPES[vector.recipe_type];
  if (!recipe) throw new Error(`no recipe for recipe_type ${vector.recipe_type}`);
  return recipe;
}

/** Our decoded value of a positive vector (decoded with the recipe's codec). */
export function decodeVector(name: string): unknown {
  return recipeOf(vectorNamed(name)).decode(vectorBytes(name));
}

/**
 * Holds one vector to the reference: a positive one decodes to its fields, re-encodes to the
 * same bytes, and (for a fixed block) our encoder builds those bytes from the fields alone; a
 * negative one is refused with the error kind the reference names.
 */
export function expectVectorHolds(name: string): void {
  const vector = vectorNamed(name);
  const recipe = recipeOf(vector);
  const bytes = vectorBytes(name);
  if (vector.kind === 'positive') {
    const expected = recipe.expected(vector.fields, vector.fields_u64_as_decimal_string ?? []);
    const decoded = recipe.decode(bytes);
    expect(decoded).toMatchObject(expected as object);
    expect(recipe.encode(decoded).toString('hex')).toBe(vector.hex);
    // A block vector names every field: encoding from the fields alone must give the bytes.
    if (vector.scope === 'metadata' || vector.scope === 'value') {
      expect(recipe.encode(expected).toString('hex')).toBe(vector.hex);
    }
    return;
  }
  const error = protocolErrorOf(() => recipe.decode(bytes));
  expect(error).toBeInstanceOf(NnrpProtocolError);
  expect(error?.kind).toBe(REFERENCE_ERROR_KIND[vector.error ?? '']);
  // The reference names the field, enum or rule it refused: ours must be the same one.
  const named = vector.error_detail?.match(/(?:field|enum_name|rule): "([^"]+)"/)?.[1];
  if (named !== undefined) expect(error?.field).toBe(named);
}

/** The NnrpProtocolError `fn` throws, or `undefined` when it does not throw one. */
export function protocolErrorOf(fn: () => unknown): NnrpProtocolError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof NnrpProtocolError) return error;
    throw error;
  }
  return undefined;
}
