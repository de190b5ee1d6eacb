import { expectIntegerArray, expectString, optionalField } from '../json-guards';
import type { KerasLayer } from '../keras-model-json';
import { stringAttribute } from '../onnx-attributes';
import { IMAGE_TENSOR_RANK } from '../tensor-layout';
import {
  expectChannelsLast,
  expectInputCount,
  type LayerConversionContext,
  type LayerConverter,
} from './layer-converter';

const DEFAULT_SIZE = [2, 2];

/**
 * Keras `UpSampling2D` (nearest) → ONNX `Resize` with per-axis `scales` `[1, 1, sh, sw]` (NCHW).
 * `asymmetric` + `floor` maps output pixel `x` to source `floor(x / s)`: for the integer factors
 * Keras allows that is exact block replication, which is what Keras' nearest upsampling produces.
 * Bilinear upsampling is rejected rather than approximated: no shipped model uses it.
 */
export const upSampling2dConverter: LayerConverter = {
  className: 'UpSampling2D',
  convert(layer: KerasLayer, context: LayerConversionContext): void {
    expectInputCount(layer, context, 1);
    expectChannelsLast(layer);
    const path = `${layer.name}.config`;
    const size = optionalField(layer.config, 'size', path, expectIntegerArray, DEFAULT_SIZE);
    if (size.length !== DEFAULT_SIZE.length || size.some((s) => s < 1)) {
      throw new Error(`UpSampling2D "${layer.name}": size [${size}] is not two positive factors`);
    }
    const [sh, sw] = size;
    const interpolation = optionalField(
      layer.config,
      'interpolation',
      path,
      expectString,
      'nearest',
    );
    if (interpolation !== 'nearest') {
      throw new Error(`UpSampling2D "${layer.name}": interpolation "${interpolation}" unsupported`);
    }
    const { builder } = context;
    const scales = builder.addFloatInitializer(
      builder.uniqueName(`${layer.name}/scales`),
      [IMAGE_TENSOR_RANK],
      Float32Array.of(1, 1, sh, sw),
    );
    // Resize-13 inputs: X, roi (unused by these modes, so omitted with ''), scales.
    builder.addNode(
      'Resize',
      [context.inputs[0], '', scales],
      [context.output],
      [
        stringAttribute('mode', 'nearest'),
        stringAttribute('coordinate_transformation_mode', 'asymmetric'),
        stringAttribute('nearest_mode', 'floor'),
      ],
    );
  },
};
