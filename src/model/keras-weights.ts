import { float16ToNumber } from './float16';
import type { KerasWeightSpec, KerasWeightsGroup } from './keras-model-json';

/** A decoded weight tensor, in its Keras shape and memory order, always as float32. */
export interface KerasWeight {
  /** Keras shape (row-major; a `Conv2D` kernel is `[kh, kw, in, out]`). */
  readonly shape: readonly number[];
  /** Dequantized values, row-major. */
  readonly values: Float32Array;
}

/** Decoded weights by manifest name (`<layerName>/<variable>`). */
export type KerasWeightMap = ReadonlyMap<string, KerasWeight>;

/** Bytes per stored element, by storage type (the quantized type when quantized). */
const STORAGE_BYTES = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
} as const;

/** TF.js writes weights little-endian regardless of the host. */
const LITTLE_ENDIAN = true;

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Reads one weight starting at `offset` of `view`; returns its values. */
function decodeWeight(view: DataView, offset: number, spec: KerasWeightSpec): Float32Array {
  const count = elementCount(spec.shape);
  const values = new Float32Array(count);
  const q = spec.quantization;
  const storage = q?.dtype ?? spec.dtype;
  const size = STORAGE_BYTES[storage];
  for (let i = 0; i < count; i++) {
    const at = offset + i * size;
    switch (storage) {
      case 'float32':
        values[i] = view.getFloat32(at, LITTLE_ENDIAN);
        break;
      case 'int32':
        values[i] = view.getInt32(at, LITTLE_ENDIAN);
        break;
      case 'bool':
      case 'uint8':
        values[i] = view.getUint8(at);
        break;
      case 'uint16':
        values[i] = view.getUint16(at, LITTLE_ENDIAN);
        break;
      case 'float16':
        values[i] = float16ToNumber(view.getUint16(at, LITTLE_ENDIAN));
        break;
    }
  }
  // Affine quantization (uint8/uint16): value = stored · scale + min.
  if (q?.scale !== undefined && q.min !== undefined) {
    for (let i = 0; i < count; i++) values[i] = values[i] * q.scale + q.min;
  }
  return values;
}

function concatenate(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}

/**
 * Decodes every tensor of a TF.js weights manifest. Within a group the shards are one byte stream
 * cut into files, and tensors follow each other in manifest order with no padding; quantized
 * tensors are dequantized to float32. Throws if the bytes do not exactly match the manifest (a
 * wrong or truncated shard would otherwise silently shift every following tensor).
 *
 * @param readShard returns the bytes of a shard, by its manifest path.
 */
export function decodeKerasWeights(
  manifest: readonly KerasWeightsGroup[],
  readShard: (path: string) => Uint8Array,
): Map<string, KerasWeight> {
  const weights = new Map<string, KerasWeight>();
  for (const group of manifest) {
    const bytes = concatenate(group.paths.map(readShard));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const spec of group.weights) {
      const byteLength =
        elementCount(spec.shape) * STORAGE_BYTES[spec.quantization?.dtype ?? spec.dtype];
      if (offset + byteLength > bytes.length) {
        throw new RangeError(
          `weights: "${spec.name}" needs bytes ${offset}..${offset + byteLength} but shards ` +
            `${group.paths.join(', ')} hold ${bytes.length}`,
        );
      }
      if (weights.has(spec.name)) throw new Error(`weights: duplicate tensor "${spec.name}"`);
      weights.set(spec.name, { shape: spec.shape, values: decodeWeight(view, offset, spec) });
      offset += byteLength;
    }
    if (offset !== bytes.length) {
      throw new RangeError(
        `weights: manifest describes ${offset} bytes but shards ${group.paths.join(', ')} ` +
          `hold ${bytes.length}`,
      );
    }
  }
  return weights;
}
