import { expectInteger, optionalField } from '../json-guards';
import type { KerasLayer } from '../keras-model-json';
import { intAttribute } from '../onnx-attributes';
import { nhwcAxisToNchw } from '../tensor-layout';
import type { LayerConversionContext, LayerConverter } from './layer-converter';

/** Keras' default concatenation axis: the last one, i.e. channels for channels-last tensors. */
const KERAS_DEFAULT_AXIS = -1;

/**
 * Keras `Concatenate` → ONNX `Concat`. The axis is given in NHWC terms by Keras and must be
 * remapped because the tensors are NCHW in the graph (channel axis 3 or −1 → 1). Input order is
 * kept, which fixes the channel order the next layer's weights were trained against.
 */
export const concatenateConverter: LayerConverter = {
  className: 'Concatenate',
  convert(layer: KerasLayer, context: LayerConversionContext): void {
    if (context.inputs.length < 1) throw new Error(`Concatenate "${layer.name}": no inputs`);
    const axis = optionalField(
      layer.config,
      'axis',
      `${layer.name}.config`,
      expectInteger,
      KERAS_DEFAULT_AXIS,
    );
    context.builder.addNode(
      'Concat',
      context.inputs,
      [context.output],
      [intAttribute('axis', nhwcAxisToNchw(axis))],
    );
  },
};
