import { MAX_8BIT_VALUE } from './channel-range';

/** Decibels per decade of the power ratio in PSNR's `10 · log10(peak² / MSE)`. */
const DECIBELS_PER_DECADE = 10;

/**
 * Peak signal-to-noise ratio, in dB, between two equally sized 8-bit buffers (e.g. the `data` of
 * two {@link RgbImage}s), over every byte: `10 · log10(peak² / MSE)`. Returns `Infinity` for
 * identical inputs. Typical reading for super-resolution: > 30 dB near-identical, 20–30 dB same
 * picture with visible differences, < 15 dB a different picture.
 */
export function psnr(a: Uint8Array, b: Uint8Array, peak: number = MAX_8BIT_VALUE): number {
  if (a.length !== b.length) {
    throw new RangeError(`psnr: buffers differ in length (${a.length} vs ${b.length})`);
  }
  if (a.length === 0) throw new RangeError('psnr: buffers are empty');
  let squaredError = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = a[i] - b[i];
    squaredError += difference * difference;
  }
  const mse = squaredError / a.length;
  if (mse === 0) return Infinity;
  return DECIBELS_PER_DECADE * Math.log10((peak * peak) / mse);
}
