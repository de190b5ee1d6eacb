import {
  expectArray,
  expectInteger,
  expectIntegerArray,
  expectNumber,
  expectObject,
  expectString,
  optionalField,
} from './json-guards';
import type {
  KerasLayer,
  KerasModelJson,
  KerasTensorRef,
  KerasWeightQuantization,
  KerasWeightSpec,
  KerasWeightsGroup,
} from './keras-model-json';

/** Keras class names of a functional (graph) model; `Sequential` has no explicit wiring. */
const FUNCTIONAL_CLASS_NAMES: ReadonlySet<string> = new Set(['Functional', 'Model']);
const WEIGHT_DTYPES = ['float32', 'int32', 'bool'] as const;
const QUANTIZATION_DTYPES = ['uint8', 'uint16', 'float16'] as const;

function expectOneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  const s = expectString(value, path);
  const match = allowed.find((candidate) => candidate === s);
  if (match === undefined) throw new TypeError(`${path}: "${s}" is not one of ${allowed.join()}`);
  return match;
}

/** `[layerName, nodeIndex, tensorIndex, kwargs?]`: the Keras 2 wire form of a tensor reference. */
function parseTensorRef(value: unknown, path: string): KerasTensorRef {
  const parts = expectArray(value, path);
  return {
    layerName: expectString(parts[0], `${path}[0]`),
    nodeIndex: expectInteger(parts[1], `${path}[1]`),
    tensorIndex: expectInteger(parts[2], `${path}[2]`),
  };
}

function parseLayer(value: unknown, path: string): KerasLayer {
  const layer = expectObject(value, path);
  const config = expectObject(layer['config'], `${path}.config`);
  const name = expectString(layer['name'] ?? config['name'], `${path}.name`);
  const inboundNodes = expectArray(layer['inbound_nodes'] ?? [], `${path}.inbound_nodes`).map(
    (node, n) =>
      expectArray(node, `${path}.inbound_nodes[${n}]`).map((ref, r) =>
        parseTensorRef(ref, `${path}.inbound_nodes[${n}][${r}]`),
      ),
  );
  return {
    className: expectString(layer['class_name'], `${path}.class_name`),
    name,
    inboundNodes,
    config,
  };
}

function parseQuantization(value: unknown, path: string): KerasWeightQuantization {
  const q = expectObject(value, path);
  const dtype = expectOneOf(q['dtype'], QUANTIZATION_DTYPES, `${path}.dtype`);
  if (dtype === 'float16') return { dtype };
  return {
    dtype,
    scale: expectNumber(q['scale'], `${path}.scale`),
    min: expectNumber(q['min'], `${path}.min`),
  };
}

function parseWeightSpec(value: unknown, path: string): KerasWeightSpec {
  const w = expectObject(value, path);
  const spec = {
    name: expectString(w['name'], `${path}.name`),
    shape: expectIntegerArray(w['shape'], `${path}.shape`),
    dtype: expectOneOf(w['dtype'], WEIGHT_DTYPES, `${path}.dtype`),
  };
  const quantization = w['quantization'];
  return quantization === undefined || quantization === null
    ? spec
    : { ...spec, quantization: parseQuantization(quantization, `${path}.quantization`) };
}

function parseWeightsGroup(value: unknown, path: string): KerasWeightsGroup {
  const group = expectObject(value, path);
  return {
    paths: expectArray(group['paths'], `${path}.paths`).map((p, i) =>
      expectString(p, `${path}.paths[${i}]`),
    ),
    weights: expectArray(group['weights'], `${path}.weights`).map((w, i) =>
      parseWeightSpec(w, `${path}.weights[${i}]`),
    ),
  };
}

/**
 * Validates a parsed TF.js layers-model `model.json` (`format: "layers-model"`, Keras functional
 * topology) and returns the typed subset the converter uses. Throws a `TypeError` naming the
 * offending JSON path on anything unexpected.
 */
export function parseKerasModelJson(json: unknown): KerasModelJson {
  const root = expectObject(json, 'model.json');
  const format = optionalField(root, 'format', 'model.json', expectString, 'layers-model');
  if (format !== 'layers-model') {
    throw new TypeError(`model.json: format "${format}" is not a Keras layers model`);
  }
  const topology = expectObject(root['modelTopology'], 'model.json.modelTopology');
  // Keras nests the model under `model_config`; older exports put it at the top level.
  const modelConfig = expectObject(
    topology['model_config'] ?? topology,
    'model.json.modelTopology.model_config',
  );
  const className = expectString(modelConfig['class_name'], 'model_config.class_name');
  if (!FUNCTIONAL_CLASS_NAMES.has(className)) {
    throw new TypeError(`model_config.class_name: "${className}" is not a functional model`);
  }
  const config = expectObject(modelConfig['config'], 'model_config.config');
  const refs = (key: string): KerasTensorRef[] =>
    expectArray(config[key], `model_config.config.${key}`).map((ref, i) =>
      parseTensorRef(ref, `model_config.config.${key}[${i}]`),
    );
  const provenance = ['generatedBy', 'convertedBy']
    .map((key) => optionalField(root, key, 'model.json', expectString, ''))
    .filter((s) => s !== '')
    .join('; ');
  return {
    name: optionalField(config, 'name', 'model_config.config', expectString, 'model'),
    layers: expectArray(config['layers'], 'model_config.config.layers').map((layer, i) =>
      parseLayer(layer, `model_config.config.layers[${i}]`),
    ),
    inputs: refs('input_layers'),
    outputs: refs('output_layers'),
    weightsManifest: expectArray(root['weightsManifest'], 'model.json.weightsManifest').map(
      (group, i) => parseWeightsGroup(group, `model.json.weightsManifest[${i}]`),
    ),
    provenance,
  };
}
