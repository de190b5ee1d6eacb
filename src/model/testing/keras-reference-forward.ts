import { expectIntegerArray } from '../json-guards';
import type { KerasLayer, KerasModelJson } from '../keras-model-json';
import type { KerasWeightMap } from '../keras-weights';

/**
 * A deliberately naive, direct implementation of the Keras layers ESRGAN-slim uses, computed in
 * Keras' own layout (NHWC activations, HWIO kernels, TF `SAME` padding) with float64 accumulation.
 * Test-only: it shares no code with the ONNX conversion (no transposes, no axis remapping), so
 * agreement between the two validates the converter's layout handling, padding and concat order.
 */

/** One image (batch of 1), channels-last. */
export interface NhwcImage {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Float32Array;
}

function conv2d(layer: KerasLayer, input: NhwcImage, weights: KerasWeightMap): NhwcImage {
  const kernel = weights.get(`${layer.name}/kernel`);
  const bias = weights.get(`${layer.name}/bias`);
  if (kernel === undefined || bias === undefined) throw new Error(`${layer.name}: weights`);
  const [kh, kw, cin, cout] = kernel.shape;
  const { padding, strides, dilation_rate: dilation, activation } = layer.config;
  if (JSON.stringify(strides) !== '[1,1]' || JSON.stringify(dilation) !== '[1,1]') {
    throw new Error(`${layer.name}: reference supports unit stride and dilation only`);
  }
  if (cin !== input.channels) throw new Error(`${layer.name}: ${input.channels} input channels`);
  const top = padding === 'same' ? Math.floor((kh - 1) / 2) : 0;
  const left = padding === 'same' ? Math.floor((kw - 1) / 2) : 0;
  const height = padding === 'same' ? input.height : input.height - kh + 1;
  const width = padding === 'same' ? input.width : input.width - kw + 1;
  const out = new Float32Array(height * width * cout);
  const acc = new Float64Array(cout);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      acc.set(bias.values);
      for (let ky = 0; ky < kh; ky++) {
        const sy = y + ky - top;
        if (sy < 0 || sy >= input.height) continue;
        for (let kx = 0; kx < kw; kx++) {
          const sx = x + kx - left;
          if (sx < 0 || sx >= input.width) continue;
          const inBase = (sy * input.width + sx) * cin;
          const kBase = (ky * kw + kx) * cin * cout;
          for (let ci = 0; ci < cin; ci++) {
            const v = input.data[inBase + ci];
            const row = kBase + ci * cout;
            for (let co = 0; co < cout; co++) acc[co] += v * kernel.values[row + co];
          }
        }
      }
      const outBase = (y * width + x) * cout;
      for (let co = 0; co < cout; co++) {
        out[outBase + co] = activation === 'relu' ? Math.max(0, acc[co]) : acc[co];
      }
    }
  }
  return { height, width, channels: cout, data: out };
}

function concatChannels(inputs: readonly NhwcImage[]): NhwcImage {
  const { height, width } = inputs[0];
  const channels = inputs.reduce((sum, t) => sum + t.channels, 0);
  const data = new Float32Array(height * width * channels);
  for (let p = 0; p < height * width; p++) {
    let offset = p * channels;
    for (const t of inputs) {
      data.set(t.data.subarray(p * t.channels, (p + 1) * t.channels), offset);
      offset += t.channels;
    }
  }
  return { height, width, channels, data };
}

function upsampleNearest(input: NhwcImage, factor: number): NhwcImage {
  const height = input.height * factor;
  const width = input.width * factor;
  const { channels } = input;
  const data = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const source = (Math.floor(y / factor) * input.width + Math.floor(x / factor)) * channels;
      data.set(input.data.subarray(source, source + channels), (y * width + x) * channels);
    }
  }
  return { height, width, channels, data };
}

/** Runs the model on one NHWC image, layer by layer, and returns the (single) output. */
export function kerasReferenceForward(
  model: KerasModelJson,
  weights: KerasWeightMap,
  input: NhwcImage,
): NhwcImage {
  const values = new Map<string, NhwcImage>();
  for (const layer of model.layers) {
    const inputs = (layer.inboundNodes[0] ?? []).map((ref) => {
      const value = values.get(ref.layerName);
      if (value === undefined) throw new Error(`${layer.name}: ${ref.layerName} not computed`);
      return value;
    });
    let result: NhwcImage;
    switch (layer.className) {
      case 'InputLayer':
        result = input;
        break;
      case 'Conv2D':
        result = conv2d(layer, inputs[0], weights);
        break;
      case 'Activation':
        if (layer.config['activation'] !== 'relu') throw new Error(`${layer.name}: activation`);
        result = { ...inputs[0], data: inputs[0].data.map((v) => Math.max(0, v)) };
        break;
      case 'Add':
        result = {
          ...inputs[0],
          data: inputs[0].data.map((_, i) => inputs.reduce((sum, t) => sum + t.data[i], 0)),
        };
        break;
      case 'Concatenate':
        result = concatChannels(inputs);
        break;
      case 'UpSampling2D': {
        const [sh, sw] = expectIntegerArray(layer.config['size'], `${layer.name}.size`);
        if (sh !== sw) throw new Error(`${layer.name}: reference supports square factors only`);
        result = upsampleNearest(inputs[0], sh);
        break;
      }
      default:
        throw new Error(`reference: no implementation for ${layer.className}`);
    }
    values.set(layer.name, result);
  }
  const output = values.get(model.outputs[0].layerName);
  if (output === undefined) throw new Error('reference: output not computed');
  return output;
}
