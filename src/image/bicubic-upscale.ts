import { RGB_CHANNELS, type RgbImage } from './rgb-image';
import { assertRgbImage } from './assert-rgb-image';
import { MAX_8BIT_VALUE } from './channel-range';
import { assertIntegerScale } from './upscale-factor';

/**
 * Keys' cubic convolution parameter. −0.5 is the value that makes the kernel reproduce quadratics
 * (Keys 1981) and is what PIL and MATLAB's `imresize` use; OpenCV's −0.75 is slightly sharper.
 */
const KEYS_A = -0.5;

/** The cubic kernel reads two source samples on each side of the sampling point. */
const TAPS = 4;

/** Offset of the first tap relative to `floor(sourcePosition)`. */
const FIRST_TAP_OFFSET = -1;

/** Keys' cubic convolution kernel, support [−2, 2]. */
function keysCubic(t: number): number {
  const x = Math.abs(t);
  if (x <= 1) return (KEYS_A + 2) * x ** 3 - (KEYS_A + 3) * x ** 2 + 1;
  if (x < 2) return KEYS_A * x ** 3 - 5 * KEYS_A * x ** 2 + 8 * KEYS_A * x - 4 * KEYS_A;
  return 0;
}

/** Per output coordinate: the 4 clamped source indices and their weights, along one axis. */
interface AxisTaps {
  readonly indices: Int32Array;
  readonly weights: Float32Array;
}

/**
 * Precomputes the taps of one axis. Pixel centres are aligned (`half-pixel` mapping, as in PIL,
 * OpenCV and TF2 `resize`), so the upscaled image is not shifted by half a source pixel relative
 * to the model output; edges are clamped (replicate padding).
 */
function axisTaps(sourceSize: number, scale: number): AxisTaps {
  const targetSize = sourceSize * scale;
  const indices = new Int32Array(targetSize * TAPS);
  const weights = new Float32Array(targetSize * TAPS);
  for (let t = 0; t < targetSize; t++) {
    const position = (t + 0.5) / scale - 0.5;
    const base = Math.floor(position);
    for (let k = 0; k < TAPS; k++) {
      const source = base + FIRST_TAP_OFFSET + k;
      indices[t * TAPS + k] = Math.min(Math.max(source, 0), sourceSize - 1);
      weights[t * TAPS + k] = keysCubic(position - source);
    }
  }
  return { indices, weights };
}

/**
 * Bicubic (Keys, a = −0.5) upscale by an integer factor, separable (horizontal pass then vertical
 * pass), rounded and clamped back to 8 bits. The classical interpolation baseline against which a
 * super-resolution model's output is compared (PSNR), and a cheap fallback upscaler.
 */
export function bicubicUpscale(image: RgbImage, scale: number): RgbImage {
  assertRgbImage(image);
  assertIntegerScale(scale);
  const { width: sourceWidth, height: sourceHeight } = image;
  const width = sourceWidth * scale;
  const height = sourceHeight * scale;
  const columns = axisTaps(sourceWidth, scale);
  const rows = axisTaps(sourceHeight, scale);

  // Horizontal pass into float so the vertical pass does not accumulate rounding error.
  const horizontal = new Float32Array(sourceHeight * width * RGB_CHANNELS);
  for (let y = 0; y < sourceHeight; y++) {
    const sourceRow = y * sourceWidth;
    for (let x = 0; x < width; x++) {
      const target = (y * width + x) * RGB_CHANNELS;
      for (let k = 0; k < TAPS; k++) {
        const weight = columns.weights[x * TAPS + k];
        const source = (sourceRow + columns.indices[x * TAPS + k]) * RGB_CHANNELS;
        for (let c = 0; c < RGB_CHANNELS; c++) {
          horizontal[target + c] += weight * image.data[source + c];
        }
      }
    }
  }

  const data = new Uint8Array(width * height * RGB_CHANNELS);
  const rowStride = width * RGB_CHANNELS;
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < rowStride; i++) {
      let sum = 0;
      for (let k = 0; k < TAPS; k++) {
        sum += rows.weights[y * TAPS + k] * horizontal[rows.indices[y * TAPS + k] * rowStride + i];
      }
      // Cubic overshoot near edges can leave [0, 255]; Uint8Array would wrap, so clamp first.
      data[y * rowStride + i] = Math.min(MAX_8BIT_VALUE, Math.max(0, Math.round(sum)));
    }
  }
  return { data, width, height };
}
