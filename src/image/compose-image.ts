import { assertRgbImage } from './assert-rgb-image';
import { RGB_CHANNELS, type RgbImage } from './rgb-image';

/** A `width × height` image of one colour: the background of a figure. */
export function solidImage(
  width: number,
  height: number,
  color: readonly [number, number, number],
): RgbImage {
  const data = new Uint8Array(width * height * RGB_CHANNELS);
  for (let offset = 0; offset < data.length; offset += RGB_CHANNELS) data.set(color, offset);
  return { data, width, height };
}

/**
 * Copies `source` into `target` with its top-left corner at (`x`, `y`), e.g. to lay panels of a
 * comparison side by side. The source must fit: a figure with a clipped panel is a layout bug.
 */
export function pasteImage(target: RgbImage, source: RgbImage, x: number, y: number): void {
  assertRgbImage(source, 'source');
  if (x < 0 || y < 0 || x + source.width > target.width || y + source.height > target.height) {
    throw new RangeError(
      `a ${source.width}x${source.height} image at ${x},${y} does not fit ${target.width}x${target.height}`,
    );
  }
  const rowBytes = source.width * RGB_CHANNELS;
  for (let row = 0; row < source.height; row++) {
    target.data.set(
      source.data.subarray(row * rowBytes, (row + 1) * rowBytes),
      ((y + row) * target.width + x) * RGB_CHANNELS,
    );
  }
}
