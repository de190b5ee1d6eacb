import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One entry of vectors.json (see ../shared/conformance/README.md). */
export interface ConformanceVector {
  name: string;
  kind: 'positive' | 'negative';
  recipe_type: string;
  scope: string;
  fields: Record<string, unknown>;
  fields_u64_as_decimal_string?: string[];
  hex: string;
  /** Length of `hex` in bytes. */
  byte_len?: number;
  decoder?: string;
  error?: string;
  error_detail?: string;
}

/** Where CI has the shared folder: beside the checkout. */
export const VECTORS_PATH = resolve(
  __dirname,
  '../../../../../shared/conformance/preview3/vectors.json',
);

/** Loads every vector; throws loudly when the file is missing or empty. */
export function loadConformanceVectors(path = VECTORS_PATH): ConformanceVector[] {
  if (!existsSync(path)) {
    throw new Error(`conformance vectors not found at ${path}; shared/ must sit beside the repo`);
  }
  const vectors = JSON.parse(readFileSync(path, 'utf8')) as ConformanceVector[];
  if (!Array.isArray(vectors) || vectors.length === 0) {
    throw new Error(`conformance vector file ${path} is empty`);
  }
  return vectors;
}

/** snake_case → camelCase, the naming rule between the spec and our codec fields. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
