import type { onnx } from 'onnx-proto';
import { expectArray, expectInteger } from './json-guards';
import type { KerasLayer, KerasModelJson, KerasTensorRef } from './keras-model-json';
import type { KerasWeight, KerasWeightMap } from './keras-weights';
import type { LayerConversionContext } from './layer-converters/layer-converter';
import { LAYER_CONVERTERS } from './layer-converters/layer-converter-registry';
import { intsAttribute } from './onnx-attributes';
import { OnnxGraphBuilder, type OnnxDimension } from './onnx-graph-builder';
import { IMAGE_TENSOR_RANK, NCHW_TO_NHWC, NHWC_TO_NCHW } from './tensor-layout';

/** Keras class of a model input placeholder. */
const INPUT_LAYER = 'InputLayer';
/** Symbolic names for the unknown (`null`) axes of an NHWC input, in axis order. */
const SYMBOLIC_NHWC_AXES = ['batch', 'height', 'width', 'channels'] as const;

/** Options of {@link convertKerasToOnnx}. */
export interface KerasToOnnxOptions {
  /** `ModelProto.producer_name` (default `nest-nnrp keras-to-onnx`). */
  readonly producerName?: string;
  /** Extra `ModelProto.metadata_props`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * The NHWC dims of an `InputLayer`, from `batch_input_shape` (`null` → a symbolic dimension).
 * Only rank-4 image inputs are supported, because every layer converter assumes NCHW image tensors.
 */
function inputDims(layer: KerasLayer): OnnxDimension[] {
  const path = `${layer.name}.config.batch_input_shape`;
  const shape = expectArray(layer.config['batch_input_shape'], path);
  if (shape.length !== IMAGE_TENSOR_RANK) {
    throw new Error(`InputLayer "${layer.name}": rank ${shape.length}, expected NHWC rank 4`);
  }
  return shape.map((d, i) => (d === null ? SYMBOLIC_NHWC_AXES[i] : expectInteger(d, path)));
}

function refKey(ref: KerasTensorRef): string {
  return `${ref.layerName}[${ref.nodeIndex}][${ref.tensorIndex}]`;
}

/**
 * Converts a Keras functional model (TF.js layers format) and its decoded weights into an ONNX
 * model, in memory.
 *
 * Layout: the ONNX graph keeps the Keras signature (NHWC float32 inputs and outputs, same names),
 * transposes each input to NCHW once, computes every layer in NCHW (what ONNX `Conv` requires),
 * and transposes each output back to NHWC.
 *
 * Fails loudly on anything it cannot translate exactly: an unknown layer class, a layer called more
 * than once (shared layers), a non-image input, or weights left unused (a sign that a layer was
 * mapped without its parameters).
 */
export function convertKerasToOnnx(
  model: KerasModelJson,
  weights: KerasWeightMap,
  options: KerasToOnnxOptions = {},
): onnx.ModelProto {
  const builder = new OnnxGraphBuilder(model.name);
  /** `layer[node][tensor]` → the NCHW ONNX tensor holding it. */
  const tensors = new Map<string, string>();
  const usedWeights = new Set<string>();
  const modelInputs = new Set(model.inputs.map((ref) => ref.layerName));

  const resolve = (ref: KerasTensorRef, consumer: string): string => {
    const tensor = tensors.get(refKey(ref));
    if (tensor === undefined) {
      throw new Error(`layer "${consumer}": input ${refKey(ref)} is not produced before it`);
    }
    return tensor;
  };

  for (const layer of model.layers) {
    const output = builder.uniqueName(`${layer.name}/nchw`);
    const key = refKey({ layerName: layer.name, nodeIndex: 0, tensorIndex: 0 });
    if (layer.className === INPUT_LAYER) {
      if (!modelInputs.has(layer.name))
        throw new Error(`InputLayer "${layer.name}" is not a model input`);
      builder.addInput(layer.name, inputDims(layer));
      builder.addNode('Transpose', [layer.name], [output], [intsAttribute('perm', NHWC_TO_NCHW)]);
      tensors.set(key, output);
      continue;
    }
    const converter = LAYER_CONVERTERS.get(layer.className);
    if (converter === undefined) {
      throw new Error(
        `layer "${layer.name}": Keras class ${layer.className} is not supported ` +
          `(supported: ${INPUT_LAYER}, ${[...LAYER_CONVERTERS.keys()].join(', ')})`,
      );
    }
    if (layer.inboundNodes.length !== 1) {
      throw new Error(
        `layer "${layer.name}": called ${layer.inboundNodes.length} times; shared layers are not supported`,
      );
    }
    const context: LayerConversionContext = {
      builder,
      inputs: layer.inboundNodes[0].map((ref) => resolve(ref, layer.name)),
      output,
      weight(variable: string): KerasWeight {
        const name = `${layer.name}/${variable}`;
        const weight = weights.get(name);
        if (weight === undefined) throw new Error(`layer "${layer.name}": weight ${name} missing`);
        usedWeights.add(name);
        return weight;
      },
    };
    converter.convert(layer, context);
    tensors.set(key, output);
  }

  for (const ref of model.outputs) {
    builder.addNode(
      'Transpose',
      [resolve(ref, 'model output')],
      [ref.layerName],
      [intsAttribute('perm', NCHW_TO_NHWC)],
    );
    builder.addOutput(ref.layerName);
  }

  const unused = [...weights.keys()].filter((name) => !usedWeights.has(name));
  if (unused.length > 0) throw new Error(`weights not used by any layer: ${unused.join(', ')}`);

  return builder.build({
    producerName: options.producerName ?? 'nest-nnrp keras-to-onnx',
    docString: `Converted from Keras model "${model.name}" (${model.provenance})`,
    properties: { 'keras:layout': 'NHWC', ...options.metadata },
  });
}
