import { activationConverter } from './activation.converter';
import { addConverter } from './add.converter';
import { concatenateConverter } from './concatenate.converter';
import { conv2dConverter } from './conv2d.converter';
import type { LayerConverter } from './layer-converter';
import { upSampling2dConverter } from './up-sampling-2d.converter';

/**
 * Every Keras layer class the converter understands, by `class_name`. `InputLayer` is absent on
 * purpose: it becomes a graph input in `keras-to-onnx.ts`, not nodes.
 */
export const LAYER_CONVERTERS: ReadonlyMap<string, LayerConverter> = new Map(
  [
    conv2dConverter,
    activationConverter,
    addConverter,
    concatenateConverter,
    upSampling2dConverter,
  ].map((converter) => [converter.className, converter]),
);
