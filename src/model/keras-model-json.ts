/**
 * The subset of the TensorFlow.js "layers-model" `model.json` format (a Keras functional model
 * topology plus a weights manifest) that the converter reads, after validation at the JSON
 * boundary by {@link parseKerasModelJson}.
 *
 * @see https://www.tensorflow.org/js/guide/save_load (format description)
 */
import type { JsonObject } from './json-guards';

/** A reference to the output of another layer: `[layerName, nodeIndex, tensorIndex]`. */
export interface KerasTensorRef {
  /** Name of the producing layer. */
  readonly layerName: string;
  /** Which call of that layer (a layer shared between several call sites has several nodes). */
  readonly nodeIndex: number;
  /** Which output of that call. */
  readonly tensorIndex: number;
}

/** One layer of a Keras functional model. */
export interface KerasLayer {
  /** Keras class, e.g. `Conv2D`, `Activation`, `Concatenate`. */
  readonly className: string;
  /** Unique layer name; also the prefix of its weights in the manifest (`<name>/kernel`). */
  readonly name: string;
  /**
   * Inputs of each call of the layer (`inbound_nodes`): one entry per call, each listing the
   * tensors fed to that call. Empty for an `InputLayer`.
   */
  readonly inboundNodes: readonly (readonly KerasTensorRef[])[];
  /** The layer's `config`, still unchecked: each layer converter narrows the keys it reads. */
  readonly config: JsonObject;
}

/** Affine or half-precision quantization of one weight, as written by the TF.js converter. */
export interface KerasWeightQuantization {
  /** Storage type of the quantized values. */
  readonly dtype: 'uint8' | 'uint16' | 'float16';
  /** Affine quantization: `value = stored * scale + min` (absent for float16). */
  readonly scale?: number;
  /** Affine quantization offset (absent for float16). */
  readonly min?: number;
}

/** One tensor in a weights manifest group. */
export interface KerasWeightSpec {
  /** `<layerName>/<variable>`, e.g. `F_0/kernel`. */
  readonly name: string;
  /** Keras shape (a `Conv2D` kernel is `[kh, kw, in, out]`, "HWIO"). */
  readonly shape: readonly number[];
  /** Logical dtype after dequantization. */
  readonly dtype: 'float32' | 'int32' | 'bool';
  /** Present when the stored bytes are quantized. */
  readonly quantization?: KerasWeightQuantization;
}

/** A weights manifest group: its tensors are stored back to back across `paths`, concatenated. */
export interface KerasWeightsGroup {
  /** Shard file names, relative to `model.json`, in concatenation order. */
  readonly paths: readonly string[];
  /** Tensors in storage order. */
  readonly weights: readonly KerasWeightSpec[];
}

/** A validated TF.js layers-model `model.json`. */
export interface KerasModelJson {
  /** Graph name from the Keras config. */
  readonly name: string;
  /** Layers in the order Keras serialised them (a topological order). */
  readonly layers: readonly KerasLayer[];
  /** Model inputs. */
  readonly inputs: readonly KerasTensorRef[];
  /** Model outputs. */
  readonly outputs: readonly KerasTensorRef[];
  /** Where and how the weights are stored. */
  readonly weightsManifest: readonly KerasWeightsGroup[];
  /** `generatedBy` / `convertedBy`, kept for the ONNX model's doc string. */
  readonly provenance: string;
}
