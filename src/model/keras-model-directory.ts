import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { decodeKerasWeights, type KerasWeightMap } from './keras-weights';
import type { KerasModelJson } from './keras-model-json';
import { parseKerasModelJson } from './parse-keras-model-json';

/** A Keras layers model read from disk: validated topology plus decoded weights. */
export interface LoadedKerasModel {
  /** The validated `model.json`. */
  readonly model: KerasModelJson;
  /** Its weights, dequantized to float32. */
  readonly weights: KerasWeightMap;
}

/**
 * Reads a TF.js layers model (`model.json` and the weight shards it lists, resolved next to it).
 * Shard paths come from the file, so they are confined to the model's directory.
 */
export function readKerasModel(modelJsonPath: string): LoadedKerasModel {
  const directory = dirname(modelJsonPath);
  const json: unknown = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  const model = parseKerasModelJson(json);
  const weights = decodeKerasWeights(model.weightsManifest, (shard) => {
    const path = resolve(directory, shard);
    const fromDirectory = relative(directory, path);
    if (fromDirectory.startsWith('..') || isAbsolute(fromDirectory)) {
      throw new Error(`weights shard "${shard}" escapes the model directory ${directory}`);
    }
    return readFileSync(join(directory, fromDirectory));
  });
  return { model, weights };
}
