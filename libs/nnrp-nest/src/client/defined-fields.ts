/**
 * The fields of `overrides` that are not `undefined`. Option objects are often built by
 * forwarding optional properties (`{ requestedSessionId: options.id }`); spreading them as they
 * are would overwrite a default with `undefined` and make the encoder throw.
 */
export function definedFields<T extends object>(overrides: Partial<T> | undefined): Partial<T> {
  const result: Partial<T> = {};
  if (!overrides) return result;
  for (const key of Object.keys(overrides) as (keyof T)[]) {
    const value = overrides[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}
