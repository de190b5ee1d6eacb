import type { OnnxGraphBuilder } from '../onnx-graph-builder';

/**
 * Keras activation names → element-wise ONNX ops with identical semantics. `linear` is the
 * identity. Only parameter-free activations belong here; parametrised ones (LeakyReLU's alpha,
 * PReLU's weights) are layers of their own.
 */
const ACTIVATION_OPS: Readonly<Record<string, string>> = {
  linear: 'Identity',
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softplus: 'Softplus',
};

/** Name of the identity activation, which needs no node when fused into another layer. */
export const LINEAR_ACTIVATION = 'linear';

/** Whether {@link emitActivation} can translate the Keras activation `name`. */
export function isSupportedActivation(name: string): boolean {
  return Object.hasOwn(ACTIVATION_OPS, name);
}

/** Emits `output = activation(input)`; throws for an activation without an ONNX mapping. */
export function emitActivation(
  builder: OnnxGraphBuilder,
  activation: string,
  input: string,
  output: string,
): void {
  if (!isSupportedActivation(activation)) {
    throw new Error(
      `activation "${activation}" is not supported (known: ${Object.keys(ACTIVATION_OPS).join()})`,
    );
  }
  builder.addNode(ACTIVATION_OPS[activation], [input], [output]);
}
