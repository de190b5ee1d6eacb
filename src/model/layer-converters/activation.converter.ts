import { expectString } from '../json-guards';
import type { KerasLayer } from '../keras-model-json';
import { emitActivation } from './keras-activation';
import {
  expectInputCount,
  type LayerConversionContext,
  type LayerConverter,
} from './layer-converter';

/** Keras `Activation` layer → the matching element-wise ONNX op (layout-agnostic). */
export const activationConverter: LayerConverter = {
  className: 'Activation',
  convert(layer: KerasLayer, context: LayerConversionContext): void {
    expectInputCount(layer, context, 1);
    const activation = expectString(layer.config['activation'], `${layer.name}.config.activation`);
    emitActivation(context.builder, activation, context.inputs[0], context.output);
  },
};
