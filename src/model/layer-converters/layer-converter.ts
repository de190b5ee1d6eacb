import type { KerasLayer } from '../keras-model-json';
import type { KerasWeight } from '../keras-weights';
import type { OnnxGraphBuilder } from '../onnx-graph-builder';

/**
 * What a converter gets to translate one Keras layer call. Tensors are ONNX tensor names and are
 * always NCHW inside the graph (see `tensor-layout.ts`), so converters never transpose activations.
 */
export interface LayerConversionContext {
  /** The graph being built. */
  readonly builder: OnnxGraphBuilder;
  /** The layer's input tensors, in Keras inbound order. */
  readonly inputs: readonly string[];
  /** The tensor name the layer's (single) output must be written to. */
  readonly output: string;
  /**
   * The layer's weight `<layerName>/<variable>` (e.g. `kernel`, `bias`); throws if absent.
   * Marks it as used, so the converter can reject models whose weights were not all consumed.
   */
  weight(variable: string): KerasWeight;
}

/** Translates one Keras layer class into ONNX nodes. */
export interface LayerConverter {
  /** The Keras `class_name` handled. */
  readonly className: string;
  /** Emits the nodes computing `layer` from `context.inputs` into `context.output`. */
  convert(layer: KerasLayer, context: LayerConversionContext): void;
}

/** Throws unless the layer was called with exactly `count` inputs. */
export function expectInputCount(
  layer: KerasLayer,
  context: LayerConversionContext,
  count: number,
): void {
  if (context.inputs.length !== count) {
    throw new Error(
      `${layer.className} "${layer.name}": expected ${count} input(s), got ${context.inputs.length}`,
    );
  }
}

/** Throws unless a layer that has a `data_format` uses channels-last, the layout Keras saves. */
export function expectChannelsLast(layer: KerasLayer): void {
  const format = layer.config['data_format'];
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw new Error(
      `${layer.className} "${layer.name}": data_format ${String(format)} is not supported ` +
        '(the converter maps channels_last tensors to NCHW)',
    );
  }
}
