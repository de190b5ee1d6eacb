/**
 * @jest-environment ./src/model/testing/onnxruntime.jest-environment.ts
 */
import * as ort from 'onnxruntime-node';
import type { onnx } from 'onnx-proto';
import { createTestPattern } from '../image/test-pattern';
import { buildEsrganSlimOnnx } from './esrgan-slim-onnx';
import { esrganSlimModelJsonPath } from './esrgan-slim-package';
import { readKerasModel } from './keras-model-directory';
import type { KerasLayer, KerasModelJson } from './keras-model-json';
import { convertKerasToOnnx } from './keras-to-onnx';
import type { KerasWeight } from './keras-weights';
import { encodeOnnxModel } from './onnx-graph-builder';
import { kerasReferenceForward } from './testing/keras-reference-forward';

/** ONNX vs float64 reference on 0..255 data: measured ≤ 2e-4, float32 rounding only. */
const MAX_REFERENCE_ERROR = 1e-2;

function opCounts(model: onnx.IModelProto): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of model.graph?.node ?? []) {
    const op = node.opType ?? '';
    counts[op] = (counts[op] ?? 0) + 1;
  }
  return counts;
}

async function run(model: onnx.IModelProto, input: Float32Array, dims: number[]) {
  const session = await ort.InferenceSession.create(encodeOnnxModel(model), {
    intraOpNumThreads: 1,
  });
  try {
    const outputs = await session.run({
      [session.inputNames[0]]: new ort.Tensor('float32', input, dims),
    });
    const output = outputs[session.outputNames[0]];
    return { dims: [...output.dims], data: Float32Array.from(output.data as Float32Array) };
  } finally {
    await session.release();
  }
}

describe.each([2, 4] as const)('ESRGAN-slim x%i Keras → ONNX', (scale) => {
  it('converts every layer (12 Conv2D, 4 ReLU, 3 Concatenate, 3 Add, 1 UpSampling2D)', () => {
    const model = buildEsrganSlimOnnx(scale);
    expect(opCounts(model)).toEqual({
      Transpose: 2, // NHWC → NCHW at the input, back at the output
      Conv: 12,
      Relu: 4,
      Concat: 3,
      Add: 3,
      Resize: 1,
    });
    const graph = model.graph;
    expect(graph?.input?.map((i) => i.name)).toEqual(['LR']);
    expect(graph?.output?.map((o) => o.name)).toEqual(['SR']);
    // The 24 Keras weights (kernel + bias of each conv) plus the Resize scales.
    expect(graph?.initializer).toHaveLength(12 * 2 + 1);
  });

  it('computes what a direct NHWC implementation of the Keras layers computes', async () => {
    const { model, weights } = readKerasModel(esrganSlimModelJsonPath(scale));
    const [width, height] = [16, 12]; // not square, so a height/width mix-up cannot cancel out
    const input = Float32Array.from(createTestPattern(width, height).data);
    const expected = kerasReferenceForward(model, weights, {
      height,
      width,
      channels: 3,
      data: input,
    });
    const actual = await run(convertKerasToOnnx(model, weights), input, [1, height, width, 3]);
    expect(actual.dims).toEqual([1, height * scale, width * scale, 3]);
    let maxError = 0;
    actual.data.forEach((v, i) => (maxError = Math.max(maxError, Math.abs(v - expected.data[i]))));
    expect(maxError).toBeLessThan(MAX_REFERENCE_ERROR);
  });
});

describe('convertKerasToOnnx on a hand-made model', () => {
  const layer = (
    className: string,
    name: string,
    inputs: string[],
    config: Record<string, unknown> = {},
  ): KerasLayer => ({
    className,
    name,
    inboundNodes:
      inputs.length === 0
        ? []
        : [inputs.map((n) => ({ layerName: n, nodeIndex: 0, tensorIndex: 0 }))],
    config,
  });
  const weight = (shape: number[], fill: (index: number[]) => number): KerasWeight => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const index = shape.map(() => 0);
    for (let i = 0; i < values.length; i++) {
      values[i] = fill(index);
      for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
    }
    return { shape, values };
  };

  /**
   * LR(3ch) → shift: 3×3 SAME conv whose only tap is top-right (out(y,x) = in(y−1, x+1))
   * → concat [shift, LR] → pick: 1×1 conv + ReLU (ch0 = LR green, ch1 = shifted red − 5)
   * → sum: Add(pick, pick) → up: UpSampling2D 2×3 nearest.
   */
  const model: KerasModelJson = {
    name: 'handmade',
    provenance: 'test',
    inputs: [{ layerName: 'LR', nodeIndex: 0, tensorIndex: 0 }],
    outputs: [{ layerName: 'up', nodeIndex: 0, tensorIndex: 0 }],
    weightsManifest: [],
    layers: [
      layer('InputLayer', 'LR', [], { batch_input_shape: [null, null, null, 3] }),
      layer('Conv2D', 'shift', ['LR'], {
        filters: 3,
        kernel_size: [3, 3],
        padding: 'same',
        activation: 'linear',
        data_format: 'channels_last',
      }),
      layer('Concatenate', 'cat', ['shift', 'LR'], { axis: -1 }),
      layer('Conv2D', 'pick', ['cat'], {
        filters: 2,
        kernel_size: [1, 1],
        padding: 'valid',
        activation: 'relu',
      }),
      layer('Add', 'sum', ['pick', 'pick']),
      layer('UpSampling2D', 'up', ['sum'], { size: [2, 3], interpolation: 'nearest' }),
    ],
  };
  const weights = new Map<string, KerasWeight>([
    [
      'shift/kernel',
      weight([3, 3, 3, 3], ([ky, kx, i, o]) => (ky === 0 && kx === 2 && i === o ? 1 : 0)),
    ],
    ['shift/bias', weight([3], () => 0)],
    // cat channels: 0..2 = shift RGB, 3..5 = LR RGB
    [
      'pick/kernel',
      weight([1, 1, 6, 2], ([, , i, o]) => (o === 0 ? (i === 4 ? 1 : 0) : i === 0 ? 1 : 0)),
    ],
    ['pick/bias', weight([2], ([o]) => (o === 1 ? -5 : 0))],
  ]);

  it('orients kernels, pads like TF SAME, keeps concat order, and upsamples exactly', async () => {
    const [height, width] = [4, 5];
    const input = Float32Array.from({ length: height * width * 3 }, (_, i) => (i * 7) % 10);
    const at = (y: number, x: number, c: number): number =>
      y < 0 || y >= height || x < 0 || x >= width ? 0 : input[(y * width + x) * 3 + c];
    const actual = await run(convertKerasToOnnx(model, weights), input, [1, height, width, 3]);
    expect(actual.dims).toEqual([1, height * 2, width * 3, 2]);
    const expected: number[] = [];
    for (let y = 0; y < height * 2; y++) {
      for (let x = 0; x < width * 3; x++) {
        const [sy, sx] = [Math.floor(y / 2), Math.floor(x / 3)];
        expected.push(2 * at(sy, sx, 1), 2 * Math.max(0, at(sy - 1, sx + 1, 0) - 5));
      }
    }
    expect(Array.from(actual.data)).toEqual(expected);
  });

  it('rejects what it cannot translate exactly', () => {
    const replace = (index: number, replacement: KerasLayer): KerasModelJson => ({
      ...model,
      layers: model.layers.map((l, i) => (i === index ? replacement : l)),
    });
    expect(() =>
      convertKerasToOnnx(replace(4, layer('Lambda', 'sum', ['pick', 'pick'])), weights),
    ).toThrow(/Lambda is not supported/);
    expect(() =>
      convertKerasToOnnx(
        replace(1, {
          ...model.layers[1],
          config: { ...model.layers[1].config, data_format: 'channels_first' },
        }),
        weights,
      ),
    ).toThrow(/channels_first/);
    expect(() =>
      convertKerasToOnnx(replace(2, layer('Concatenate', 'cat', ['shift', 'nowhere'])), weights),
    ).toThrow(/not produced before/);
    expect(() =>
      convertKerasToOnnx(model, new Map([...weights, ['ghost/kernel', weight([1], () => 0)]])),
    ).toThrow(/ghost\/kernel/);
    const withoutBias = new Map(weights);
    withoutBias.delete('pick/bias');
    expect(() => convertKerasToOnnx(model, withoutBias)).toThrow(/pick\/bias missing/);
  });
});
