/** An 8-bit RGB image, rows top to bottom, pixels interleaved (NHWC with N = 1). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** `width * height * 3` bytes. */
  readonly data: Uint8Array;
}

/** Bytes per RGB pixel. */
export const RGB_CHANNELS = 3;

/** Largest value of an 8-bit channel. */
export const MAX_8BIT_VALUE = 255;

/**
 * Throws unless `image` has positive integer dimensions and exactly `width·height·3` bytes;
 * `label` names the image in the message.
 */
export function assertRgbImage(image: RgbImage, label = 'image'): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`${label}: invalid size ${width}x${height}`);
  }
  if (data.length !== width * height * RGB_CHANNELS) {
    throw new RangeError(
      `${label}: ${width}x${height} needs ${width * height * RGB_CHANNELS} bytes, got ${data.length}`,
    );
  }
}
