import { RGB_CHANNELS, type RgbImage } from './rgb-image';
import { assertRgbImage } from './assert-rgb-image';

/** A rectangle in pixel coordinates. */
export interface PixelRect {
  /** Left column. */
  readonly x: number;
  /** Top row. */
  readonly y: number;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
}

/**
 * Copies a rectangle out of an image, e.g. to drop the padding of an upscaled tile (whose borders
 * are degraded by the network's zero padding) or to compare only the interior of two images.
 */
export function cropImage(image: RgbImage, rect: PixelRect): RgbImage {
  assertRgbImage(image);
  const { x, y, width, height } = rect;
  if (
    ![x, y, width, height].every(Number.isInteger) ||
    x < 0 ||
    y < 0 ||
    width <= 0 ||
    height <= 0 ||
    x + width > image.width ||
    y + height > image.height
  ) {
    throw new RangeError(
      `crop ${width}x${height}+${x}+${y} is outside the ${image.width}x${image.height} image`,
    );
  }
  const data = new Uint8Array(width * height * RGB_CHANNELS);
  const rowBytes = width * RGB_CHANNELS;
  for (let row = 0; row < height; row++) {
    const source = ((y + row) * image.width + x) * RGB_CHANNELS;
    data.set(image.data.subarray(source, source + rowBytes), row * rowBytes);
  }
  return { data, width, height };
}
