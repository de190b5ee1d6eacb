import { onnx } from 'onnx-proto';

/**
 * ONNX IR version written into the model: 8 is the newest `onnx-proto` 8 (ONNX 1.10) knows, and
 * any current onnxruntime reads it.
 */
export const ONNX_IR_VERSION = 8;

/**
 * Default-domain opset the converters target. 13 is the first with the `Resize` signature used
 * here (`roi` optional, `scales` as input) and is supported by every onnxruntime since 1.6.
 */
export const ONNX_OPSET_VERSION = 13;

/** A dimension of a graph input or output: a fixed size or a symbolic name (`"batch"`). */
export type OnnxDimension = number | string;

function valueInfo(
  name: string,
  elemType: onnx.TensorProto.DataType,
  dims: readonly OnnxDimension[] | undefined,
): onnx.IValueInfoProto {
  const shape =
    dims === undefined
      ? undefined
      : {
          dim: dims.map((d): onnx.TensorShapeProto.IDimension =>
            typeof d === 'number' ? { dimValue: d } : { dimParam: d },
          ),
        };
  return { name, type: { tensorType: { elemType, shape } } };
}

/** Options for {@link OnnxGraphBuilder.build}. */
export interface OnnxModelMetadata {
  /** `ModelProto.producer_name`. */
  readonly producerName: string;
  /** `ModelProto.doc_string`. */
  readonly docString?: string;
  /** `ModelProto.metadata_props`. */
  readonly properties?: Readonly<Record<string, string>>;
}

/**
 * Accumulates the nodes, initializers, inputs and outputs of one ONNX graph and assembles the
 * `ModelProto`. Nodes must be added in topological order (ONNX requires it).
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  /** Every name handed out or used, so {@link uniqueName} never returns a taken one. */
  private readonly names = new Set<string>();
  /** Tensors that already have a producer: ONNX graphs are SSA, one producer per tensor. */
  private readonly produced = new Set<string>();

  /** @param graphName `GraphProto.name`. */
  constructor(private readonly graphName: string) {}

  /**
   * Returns `base` if no tensor uses it yet, else `base_1`, `base_2`…, and reserves it.
   * Converters name their intermediate tensors through this so two layers can never collide.
   */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Declares a float32 graph input. */
  addInput(name: string, dims: readonly OnnxDimension[]): void {
    this.produce(name);
    this.inputs.push(valueInfo(name, onnx.TensorProto.DataType.FLOAT, dims));
  }

  /** Declares a float32 graph output (shape left to onnxruntime's inference when omitted). */
  addOutput(name: string, dims?: readonly OnnxDimension[]): void {
    this.outputs.push(valueInfo(name, onnx.TensorProto.DataType.FLOAT, dims));
  }

  /** Adds a float32 constant tensor (weights, scales) and returns its name. */
  addFloatInitializer(name: string, dims: readonly number[], values: Float32Array): string {
    const expected = dims.reduce((product, d) => product * d, 1);
    if (values.length !== expected) {
      throw new RangeError(`initializer ${name}: ${values.length} values for dims [${dims}]`);
    }
    this.produce(name);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      // ONNX raw_data is little-endian; write through a DataView so the host order does not matter.
      rawData: littleEndianFloat32Bytes(values),
    });
    return name;
  }

  /**
   * Adds a node. `inputs` may contain `''` for an omitted optional input (ONNX convention).
   * Each output must not have been produced before (names from {@link uniqueName} are fine).
   */
  addNode(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: readonly onnx.IAttributeProto[] = [],
  ): void {
    for (const output of outputs) this.produce(output);
    this.nodes.push({
      opType,
      // Outputs are unique, so this is a unique node name; it makes ORT's errors readable.
      name: `${outputs[0] ?? ''}:${opType}`,
      input: [...inputs],
      output: [...outputs],
      attribute: [...attributes],
    });
  }

  /** Assembles the model. */
  build(metadata: OnnxModelMetadata): onnx.ModelProto {
    return onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET_VERSION }],
      producerName: metadata.producerName,
      docString: metadata.docString ?? '',
      metadataProps: Object.entries(metadata.properties ?? {}).map(([key, value]) => ({
        key,
        value,
      })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
  }

  private produce(name: string): void {
    if (this.produced.has(name)) throw new Error(`ONNX graph: tensor "${name}" produced twice`);
    this.produced.add(name);
    this.names.add(name);
  }
}

const FLOAT32_BYTES = 4;

function littleEndianFloat32Bytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * FLOAT32_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * FLOAT32_BYTES, values[i], true);
  return bytes;
}

/** Serialises a model to the protobuf bytes `ort.InferenceSession.create` accepts. */
export function encodeOnnxModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
