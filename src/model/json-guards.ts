/**
 * Narrowing helpers for the JSON boundary (model.json is `unknown` until checked). Each throws a
 * `TypeError` naming the offending path, so a malformed or unexpected model file fails with a
 * message that says where, instead of a `Cannot read properties of undefined` deep in conversion.
 */

/** A JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** `value` as a JSON object (not null, not an array). */
export function expectObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${path}: expected an object`);
  }
  return value as JsonObject;
}

/** `value` as an array (elements still unchecked). */
export function expectArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${path}: expected an array`);
  return value;
}

/** `value` as a string. */
export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new TypeError(`${path}: expected a string`);
  return value;
}

/** `value` as a finite number. */
export function expectNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${path}: expected a finite number`);
  }
  return value;
}

/** `value` as an integer. */
export function expectInteger(value: unknown, path: string): number {
  const n = expectNumber(value, path);
  if (!Number.isInteger(n)) throw new TypeError(`${path}: expected an integer`);
  return n;
}

/** `value` as a boolean. */
export function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${path}: expected a boolean`);
  return value;
}

/** `value` as an array of integers. */
export function expectIntegerArray(value: unknown, path: string): number[] {
  return expectArray(value, path).map((item, i) => expectInteger(item, `${path}[${i}]`));
}

/** `object[key]` narrowed by `narrow`, or `fallback` when the key is absent or null. */
export function optionalField<T>(
  object: JsonObject,
  key: string,
  path: string,
  narrow: (value: unknown, path: string) => T,
  fallback: T,
): T {
  const value = object[key];
  return value === undefined || value === null ? fallback : narrow(value, `${path}.${key}`);
}
