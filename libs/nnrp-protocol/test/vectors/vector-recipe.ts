/**
 * How the conformance-vector test drives one `recipe_type` of
 * `../shared/conformance/preview3/vectors.json`. Each codec area registers its recipes in its
 * own file (`control-recipes.ts`, `data-recipes.ts`); the test fails for a recipe_type that no
 * file registers.
 */
export interface VectorRecipe {
  /** Decodes the vector's bytes with our decoder (throws NnrpProtocolError on rejection). */
  decode(bytes: Buffer): unknown;
  /** Re-encodes what `decode` returned; must give back the vector's bytes exactly. */
  encode(decoded: unknown): Buffer;
  /**
   * Our representation of the vector's `fields` (snake_case names → camelCase, enum names →
   * numbers, decimal strings → bigint), compared with `toMatchObject` against `decode`'s result.
   */
  expected(fields: Record<string, unknown>, u64Fields: readonly string[]): unknown;
}

/** Recipes by `recipe_type`. */
export type VectorRecipeTable = Readonly<Record<string, VectorRecipe>>;
