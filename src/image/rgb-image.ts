/** Number of interleaved channels in an {@link RgbImage} pixel (R, G, B). */
export const RGB_CHANNELS = 3;

/** Largest value an 8-bit channel can hold; also the PSNR peak for 8-bit images. */
export const MAX_8BIT_VALUE = 255;

/**
 * An 8-bit RGB image, row-major, channels interleaved (`HWC`, i.e. NHWC without the batch axis):
 * the byte of channel `c` of pixel `(x, y)` is at `(y * width + x) * 3 + c`.
 */
export interface RgbImage {
  /** `width * height * 3` bytes. */
  readonly data: Uint8Array;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
}

/**
 * Throws unless `image` has positive integer dimensions and exactly `width * height * 3` bytes.
 * Shared by every consumer so that a malformed tile fails loudly at the boundary instead of
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
