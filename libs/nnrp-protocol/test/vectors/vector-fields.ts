import { camelCase } from './vector-file';

// Turns a vector's snake_case `fields` into our camelCase representation, field by field, so
// that an unexpected field name fails the test instead of being silently ignored.

/** Converts one vector value to ours. */
export type Convert = (value: unknown, field: string) => unknown;

/** How one vector field maps onto our object. */
export interface FieldRule {
  /** Our property name; without one the value is only checked (a wire constant). */
  to?: string;
  convert: Convert;
}

/** A vector field that only annotates (checked elsewhere or not at all). */
export const IGNORED = 'ignored';

/** Rules for every field a recipe's vectors may carry. */
export type FieldSpec = Readonly<Record<string, FieldRule | typeof IGNORED>>;

function fail(field: string, value: unknown, why: string): never {
  throw new Error(`vector field ${field}=${JSON.stringify(value)}: ${why}`);
}

/** A plain JSON number (u8/u16/u32). */
export const num: Convert = (value, field) =>
  typeof value === 'number' ? value : fail(field, value, 'expected a number');

/** A u64: a JSON number or, above 2^53, a decimal string (`fields_u64_as_decimal_string`). */
export const u64: Convert = (value, field) =>
  typeof value === 'number' || typeof value === 'string'
    ? BigInt(value)
    : fail(field, value, 'expected a u64');

/** A `0x…` hex annotation of a number. */
export const hexNumber: Convert = (value, field) =>
  typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value)
    ? Number.parseInt(value.slice(2), 16)
    : fail(field, value, 'expected a 0x… string');

/** An enum given by its spec name (or, in negative vectors, by number). */
export function named(values: Readonly<Record<string, number>>): Convert {
  return (value, field) => {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value in values) return values[value];
    return fail(field, value, `expected one of ${Object.keys(values).join(', ')}`);
  };
}

/** A bitmask given as an array of flag names. */
export function flagNames(values: Readonly<Record<string, number>>): Convert {
  return (value, field) =>
    Array.isArray(value)
      ? value.reduce<number>((mask, name) => mask | (named(values)(name, field) as number), 0)
      : fail(field, value, 'expected an array of flag names');
}

/** A field that must hold `expected` and has no property of its own (e.g. `header_len`). */
export function constant(expected: number): FieldRule {
  return {
    convert: (value, field) =>
      value === expected ? value : fail(field, value, `expected the constant ${expected}`),
  };
}

/** Rules mapping each name to its camelCase twin with `convert`. */
export function same(convert: Convert, ...names: string[]): Record<string, FieldRule> {
  return Object.fromEntries(names.map((name) => [name, { to: camelCase(name), convert }]));
}

/** A rule that renames. */
export function to(property: string, convert: Convert): FieldRule {
  return { to: property, convert };
}

/**
 * Applies `spec` to `fields`. Every field needs a rule; two fields mapping to one property
 * (e.g. `flags` and `flags_raw`) must agree. Names listed as u64 decimal strings must be
 * converted by {@link u64}.
 */
export function mapFields(
  fields: Record<string, unknown>,
  spec: FieldSpec,
  u64Fields: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const rule = spec[name];
    if (rule === undefined) fail(name, value, 'no rule maps this field');
    if (rule === IGNORED) continue;
    if (u64Fields.includes(name) && rule.convert !== u64)
      fail(name, value, 'u64 string, not a u64 rule');
    const converted = rule.convert(value, name);
    if (rule.to === undefined) continue;
    if (rule.to in out && out[rule.to] !== converted) {
      fail(name, value, `disagrees with another field for ${rule.to} (${String(out[rule.to])})`);
    }
    out[rule.to] = converted;
  }
  return out;
}
