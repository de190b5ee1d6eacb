import { readFile, writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { flattenAlpha } from '../image/flatten-alpha';
import { assertRgbImage } from '../image/assert-rgb-image';
import type { RgbImage } from '../image/rgb-image';

/** PNG colour type 2: truecolour without alpha, what the service produces. */
const PNG_TRUECOLOR = 2;

/**
 * Decodes a PNG of any colour type and depth into 8-bit RGB. pngjs expands grey, palette and
 * 16-bit images to 8-bit RGBA; alpha is then composited on white (see {@link flattenAlpha}).
 */
export function decodePng(bytes: Buffer): RgbImage {
  const png = PNG.sync.read(bytes);
  return flattenAlpha(png.data, png.width, png.height);
}

/** Encodes an RGB image as an 8-bit truecolour PNG (no alpha channel). */
export function encodePng(image: RgbImage): Buffer {
  assertRgbImage(image);
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, {
    colorType: PNG_TRUECOLOR,
    inputColorType: PNG_TRUECOLOR,
    inputHasAlpha: false,
  });
}

/** Reads and decodes a PNG file (see {@link decodePng}). */
export async function readPngFile(path: string): Promise<RgbImage> {
  return decodePng(await readFile(path));
}

/** Encodes and writes a PNG file (see {@link encodePng}). */
export async function writePngFile(path: string, image: RgbImage): Promise<void> {
  await writeFile(path, encodePng(image));
}
