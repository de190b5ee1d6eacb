import { RGB_CHANNELS, type RgbImage } from './rgb-image';

/**
 * Throws unless `image` has positive integer dimensions and exactly `width * height * 3` bytes.
 * Called at every boundary taking an image, so that a malformed tile fails loudly there instead of
 * producing a shifted or truncated picture further down.
 */
export function assertRgbImage(image: RgbImage, label = 'image'): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`${label}: dimensions must be positive integers, got ${width}x${height}`);
  }
  const expected = width * height * RGB_CHANNELS;
  if (data.length !== expected) {
    throw new RangeError(
      `${label}: expected ${expected} bytes for ${width}x${height} RGB, got ${data.length}`,
    );
  }
}
