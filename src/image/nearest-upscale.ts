import { RGB_CHANNELS, type RgbImage } from './rgb-image';
import { assertRgbImage } from './assert-rgb-image';
import { assertIntegerScale } from './upscale-factor';

/**
 * Nearest-neighbour upscale by an integer factor: every source pixel becomes a `scale`×`scale`
 * block. This is the "no information added" baseline a super-resolution model must beat.
 */
export function nearestUpscale(image: RgbImage, scale: number): RgbImage {
  assertRgbImage(image);
  assertIntegerScale(scale);
  const width = image.width * scale;
  const height = image.height * scale;
  const data = new Uint8Array(width * height * RGB_CHANNELS);
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.floor(y / scale) * image.width;
    for (let x = 0; x < width; x++) {
      const source = (sourceRow + Math.floor(x / scale)) * RGB_CHANNELS;
      const target = (y * width + x) * RGB_CHANNELS;
      for (let c = 0; c < RGB_CHANNELS; c++) data[target + c] = image.data[source + c];
    }
  }
  return { data, width, height };
}
