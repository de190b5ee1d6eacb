import {
  expectBoolean,
  expectInteger,
  expectIntegerArray,
  expectString,
  optionalField,
} from '../json-guards';
import type { KerasLayer } from '../keras-model-json';
import { intAttribute, intsAttribute, stringAttribute } from '../onnx-attributes';
import { hwioToOihw } from '../tensor-layout';
import { emitActivation, LINEAR_ACTIVATION } from './keras-activation';
import {
  expectChannelsLast,
  expectInputCount,
  type LayerConversionContext,
  type LayerConverter,
} from './layer-converter';

const SPATIAL_DIMS = 2;
const UNIT = [1, 1] as const;

/** The `Conv2D` config keys the conversion depends on. */
interface Conv2dConfig {
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padding: 'same' | 'valid';
  readonly groups: number;
  readonly activation: string;
  readonly useBias: boolean;
}

function readConfig(layer: KerasLayer): Conv2dConfig {
  const path = `${layer.name}.config`;
  const c = layer.config;
  const pair = (key: string): readonly number[] => {
    const values = optionalField(c, key, path, expectIntegerArray, [...UNIT]);
    if (values.length !== SPATIAL_DIMS) throw new TypeError(`${path}.${key}: expected 2 values`);
    return values;
  };
  const padding = expectString(c['padding'], `${path}.padding`);
  if (padding !== 'same' && padding !== 'valid') {
    throw new Error(`Conv2D "${layer.name}": padding "${padding}" is not supported`);
  }
  return {
    filters: expectInteger(c['filters'], `${path}.filters`),
    kernelSize: pair('kernel_size'),
    strides: pair('strides'),
    dilations: pair('dilation_rate'),
    padding,
    groups: optionalField(c, 'groups', path, expectInteger, 1),
    activation: optionalField(c, 'activation', path, expectString, LINEAR_ACTIVATION),
    useBias: optionalField(c, 'use_bias', path, expectBoolean, true),
  };
}

/**
 * ONNX `pads` (`[top, left, bottom, right]`) reproducing TF's `SAME` padding for stride 1: the
 * total `dilation · (k − 1)` is split with the odd pixel at the end, as TF does. For strides > 1
 * TF's split depends on the input size, which `auto_pad = SAME_UPPER` computes at run time.
 */
function samePadsForUnitStride(config: Conv2dConfig): number[] {
  const totals = config.kernelSize.map((k, i) => config.dilations[i] * (k - 1));
  const begins = totals.map((total) => Math.floor(total / 2));
  return [...begins, ...totals.map((total, i) => total - begins[i])];
}

/**
 * Keras `Conv2D` → ONNX `Conv` (+ the fused activation, if not linear). The HWIO kernel is
 * transposed to OIHW at conversion time; grouped convolutions map to `group` (same kernel layout,
 * `in` being the per-group input channels in both frameworks).
 */
export const conv2dConverter: LayerConverter = {
  className: 'Conv2D',
  convert(layer: KerasLayer, context: LayerConversionContext): void {
    expectInputCount(layer, context, 1);
    expectChannelsLast(layer);
    const config = readConfig(layer);
    const kernel = context.weight('kernel');
    const [kh, kw, cinPerGroup, cout] = kernel.shape;
    if (kh !== config.kernelSize[0] || kw !== config.kernelSize[1] || cout !== config.filters) {
      throw new Error(
        `Conv2D "${layer.name}": kernel shape [${kernel.shape}] disagrees with kernel_size ` +
          `[${config.kernelSize}] / filters ${config.filters}`,
      );
    }
    const { builder } = context;
    const inputs = [
      context.inputs[0],
      builder.addFloatInitializer(
        builder.uniqueName(`${layer.name}/kernel_oihw`),
        [cout, cinPerGroup, kh, kw],
        hwioToOihw(kernel.values, kernel.shape),
      ),
    ];
    if (config.useBias) {
      const bias = context.weight('bias');
      if (bias.values.length !== cout) {
        throw new Error(`Conv2D "${layer.name}": bias has ${bias.values.length} values`);
      }
      inputs.push(
        builder.addFloatInitializer(builder.uniqueName(`${layer.name}/bias`), [cout], bias.values),
      );
    }

    const unitStride = config.strides.every((s) => s === 1);
    const padding =
      config.padding === 'valid'
        ? [intsAttribute('pads', [0, 0, 0, 0])]
        : unitStride
          ? [intsAttribute('pads', samePadsForUnitStride(config))]
          : [stringAttribute('auto_pad', 'SAME_UPPER')];
    const fused = config.activation !== LINEAR_ACTIVATION;
    const convOutput = fused ? builder.uniqueName(`${layer.name}/preactivation`) : context.output;
    builder.addNode(
      'Conv',
      inputs,
      [convOutput],
      [
        intsAttribute('kernel_shape', config.kernelSize),
        intsAttribute('strides', config.strides),
        intsAttribute('dilations', config.dilations),
        intAttribute('group', config.groups),
        ...padding,
      ],
    );
    if (fused) emitActivation(builder, config.activation, convOutput, context.output);
  },
};
