import { MAX_8BIT_VALUE } from './channel-range';
import { RGB_CHANNELS, type RgbImage } from './rgb-image';

/** Bytes per RGBA pixel. */
const RGBA_CHANNELS = 4;
/** Offset of the alpha byte in an RGBA pixel. */
const ALPHA_OFFSET = 3;

/**
 * Turns 8-bit RGBA pixels into RGB by compositing them over an opaque background (white by
 * default). The network only knows RGB; compositing (rather than dropping alpha) keeps
 * transparent regions from showing whatever colour happens to be stored under alpha 0, which is
 * often black or noise.
 */
export function flattenAlpha(
  rgba: Uint8Array,
  width: number,
  height: number,
  background: readonly [number, number, number] = [MAX_8BIT_VALUE, MAX_8BIT_VALUE, MAX_8BIT_VALUE],
): RgbImage {
  const pixels = width * height;
  if (rgba.length !== pixels * RGBA_CHANNELS) {
    throw new RangeError(
      `flattenAlpha: ${width}x${height} RGBA needs ${pixels * RGBA_CHANNELS} bytes, got ${rgba.length}`,
    );
  }
  const data = new Uint8Array(pixels * RGB_CHANNELS);
  for (let p = 0; p < pixels; p++) {
    const from = p * RGBA_CHANNELS;
    const alpha = rgba[from + ALPHA_OFFSET] / MAX_8BIT_VALUE;
    for (let c = 0; c < RGB_CHANNELS; c++) {
      data[p * RGB_CHANNELS + c] = Math.round(rgba[from + c] * alpha + background[c] * (1 - alpha));
    }
  }
  return { data, width, height };
}
