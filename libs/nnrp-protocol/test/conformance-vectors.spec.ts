import { REFERENCE_ERROR_KIND } from '../src/errors/nnrp-error-kind';
import { NnrpProtocolError } from '../src/errors/nnrp-protocol-error';
import { CONTROL_RECIPES } from './vectors/control-recipes';
import { DATA_RECIPES } from './vectors/data-recipes';
import { ConformanceVector, loadConformanceVectors } from './vectors/vector-file';
import { VectorRecipeTable } from './vectors/vector-recipe';

// Every vector of ../shared/conformance/preview3/vectors.json, one test each: positives decode
// to their fields and re-encode to the same bytes; negatives are rejected for the reference's
// reason (error kind, and the field / enum / rule it names when the reference names one).

const vectors = loadConformanceVectors();
const RECIPES: VectorRecipeTable = { ...CONTROL_RECIPES, ...DATA_RECIPES };
const exercised = new Set<string>();

/** `field: "x"`, `enum_name: "x"` or `rule: "x"` from the reference's error detail. */
function namedReason(detail: string | undefined): string | undefined {
  return detail?.match(/(?:field|enum_name|rule): "([^"]+)"/)?.[1];
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function runVector(vector: ConformanceVector): void {
  const recipe = RECIPES[vector.recipe_type];
  if (!recipe) throw new Error(`no recipe registered for recipe_type ${vector.recipe_type}`);
  const bytes = Buffer.from(vector.hex, 'hex');
  if (vector.byte_len !== undefined) expect(bytes.length).toBe(vector.byte_len);
  if (vector.kind === 'positive') {
    const decoded = recipe.decode(bytes);
    const u64Fields = vector.fields_u64_as_decimal_string ?? [];
    expect(decoded).toMatchObject(recipe.expected(vector.fields, u64Fields) as object);
    expect(recipe.encode(decoded).toString('hex')).toBe(vector.hex);
    return;
  }
  const kind = REFERENCE_ERROR_KIND[vector.error ?? ''];
  if (kind === undefined) throw new Error(`unmapped reference error ${String(vector.error)}`);
  const error = thrownBy(() => recipe.decode(bytes));
  expect(error).toBeInstanceOf(NnrpProtocolError);
  expect((error as NnrpProtocolError).kind).toBe(kind);
  const reason = namedReason(vector.error_detail);
  if (reason !== undefined) expect((error as NnrpProtocolError).field).toBe(reason);
}

describe('NNRP/1-preview3 conformance vectors', () => {
  it('has unique vector names and no recipe_type claimed by two tables', () => {
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
    const shared = Object.keys(CONTROL_RECIPES).filter((type) => type in DATA_RECIPES);
    expect(shared).toEqual([]);
  });

  for (const vector of vectors) {
    it(`${vector.kind} ${vector.name}`, () => {
      runVector(vector);
      exercised.add(vector.name);
    });
  }

  it('exercised every vector', () => {
    const missed = vectors.filter((v) => !exercised.has(v.name)).map((v) => v.name);
    expect(missed).toEqual([]);
    expect(exercised.size).toBe(vectors.length);
  });
});
