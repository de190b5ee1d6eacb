import { float16ToNumber } from './float16';
import type { KerasWeightsGroup } from './keras-model-json';
import { decodeKerasWeights } from './keras-weights';
import { parseKerasModelJson } from './parse-keras-model-json';

function bytesOf(...chunks: ArrayBufferView[]): Uint8Array {
  const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), offset);
    offset += c.byteLength;
  }
  return out;
}

describe('decodeKerasWeights', () => {
  it('reads float32 and dequantizes uint8 / uint16 (affine) and float16, across shards', () => {
    const group: KerasWeightsGroup = {
      paths: ['a.bin', 'b.bin'],
      weights: [
        { name: 'l/f32', shape: [2], dtype: 'float32' },
        {
          name: 'l/u8',
          shape: [3],
          dtype: 'float32',
          quantization: { dtype: 'uint8', scale: 0.5, min: -1 },
        },
        {
          name: 'l/u16',
          shape: [1],
          dtype: 'float32',
          quantization: { dtype: 'uint16', scale: 2, min: 1 },
        },
        { name: 'l/f16', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      ],
    };
    const all = bytesOf(
      Float32Array.of(1.5, -2),
      Uint8Array.of(0, 2, 255),
      Uint16Array.of(10),
      Uint16Array.of(0x3c00, 0xc000), // 1.0, −2.0
    );
    // Cut inside a tensor: shards are one byte stream, not one file per tensor.
    const shards = new Map([
      ['a.bin', all.slice(0, 5)],
      ['b.bin', all.slice(5)],
    ]);
    const weights = decodeKerasWeights([group], (path) => shards.get(path) ?? new Uint8Array());
    expect(Array.from(weights.get('l/f32')?.values ?? [])).toEqual([1.5, -2]);
    expect(Array.from(weights.get('l/u8')?.values ?? [])).toEqual([-1, 0, 126.5]);
    expect(Array.from(weights.get('l/u16')?.values ?? [])).toEqual([21]);
    expect(Array.from(weights.get('l/f16')?.values ?? [])).toEqual([1, -2]);
    expect(weights.get('l/u8')?.shape).toEqual([3]);
  });

  it('rejects shards that do not match the manifest', () => {
    const group: KerasWeightsGroup = {
      paths: ['w.bin'],
      weights: [{ name: 'k', shape: [2, 2], dtype: 'float32' }],
    };
    expect(() => decodeKerasWeights([group], () => new Uint8Array(12))).toThrow(/needs bytes/);
    expect(() => decodeKerasWeights([group], () => new Uint8Array(20))).toThrow(/hold 20/);
  });
});

describe('float16ToNumber', () => {
  it.each([
    [0x0000, 0],
    [0x3555, 0.333251953125],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0xfc00, -Infinity],
  ])('decodes bits %p as %p', (bits, value) => expect(float16ToNumber(bits)).toBe(value));
  it('decodes NaN', () => expect(float16ToNumber(0x7e00)).toBeNaN());
});

describe('parseKerasModelJson', () => {
  it('names the offending JSON path', () => {
    expect(() => parseKerasModelJson({ modelTopology: {}, weightsManifest: [] })).toThrow(
      /model_config\.class_name/,
    );
    expect(() =>
      parseKerasModelJson({
        modelTopology: {
          model_config: {
            class_name: 'Functional',
            config: {
              layers: [
                { class_name: 'Conv2D', config: { name: 'c' }, inbound_nodes: [[['x', 0]]] },
              ],
              input_layers: [],
              output_layers: [],
            },
          },
        },
        weightsManifest: [],
      }),
    ).toThrow(/layers\[0\]\.inbound_nodes\[0\]\[0\]\[2\]/);
  });

  it('rejects non-functional models', () => {
    expect(() =>
      parseKerasModelJson({
        modelTopology: { model_config: { class_name: 'Sequential', config: {} } },
        weightsManifest: [],
      }),
    ).toThrow(/not a functional model/);
  });
});
