import type { onnx } from 'onnx-proto';
import { esrganSlimModelJsonPath, type EsrganSlimScale } from './esrgan-slim-package';
import { readKerasModel } from './keras-model-directory';
import { convertKerasToOnnx } from './keras-to-onnx';

/**
 * Builds, in memory, the ONNX model of ESRGAN-slim at `scale` from the Keras weights shipped in the
 * npm package. Signature: input `LR` float32 `[batch, height, width, 3]` (0..255), output `SR`
 * float32 `[batch, height·scale, width·scale, 3]` (≈ 0..255, unclipped).
 */
export function buildEsrganSlimOnnx(scale: EsrganSlimScale): onnx.ModelProto {
  const { model, weights } = readKerasModel(esrganSlimModelJsonPath(scale));
  return convertKerasToOnnx(model, weights, {
    metadata: { 'esrgan:scale': String(scale), 'esrgan:source': `esrgan-slim/models/x${scale}` },
  });
}
