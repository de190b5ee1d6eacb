/** Public surface of the model folder: the ESRGAN provider, its module, and the converter. */
export { EsrganModel, type EsrganModelInfo } from './esrgan-model';
export {
  DEFAULT_ESRGAN_MODEL_OPTIONS,
  ESRGAN_MODEL_OPTIONS,
  ESRGAN_MODEL_SCALES,
  type EsrganModelOptions,
  type EsrganScale,
} from './esrgan-model.options';
export { buildEsrganSlimOnnx } from './esrgan-slim-onnx';
export { ESRGAN_SLIM_PIXEL_RANGE } from './esrgan-slim-package';
export { convertKerasToOnnx, type KerasToOnnxOptions } from './keras-to-onnx';
export { readKerasModel, type LoadedKerasModel } from './keras-model-directory';
export { encodeOnnxModel } from './onnx-graph-builder';
export { ModelModule, type ModelModuleAsyncOptions } from './model.module';
