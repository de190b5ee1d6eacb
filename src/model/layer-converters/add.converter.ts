import type { KerasLayer } from '../keras-model-json';
import type { LayerConversionContext, LayerConverter } from './layer-converter';

const BINARY = 2;

/**
 * Keras `Add` (element-wise sum of ≥ 2 same-shaped tensors; layout-agnostic) → ONNX `Add` for
 * two inputs, variadic `Sum` for more.
 */
export const addConverter: LayerConverter = {
  className: 'Add',
  convert(layer: KerasLayer, context: LayerConversionContext): void {
    if (context.inputs.length < BINARY) {
      throw new Error(`Add "${layer.name}": needs at least 2 inputs, got ${context.inputs.length}`);
    }
    const op = context.inputs.length === BINARY ? 'Add' : 'Sum';
    context.builder.addNode(op, context.inputs, [context.output]);
  },
};
