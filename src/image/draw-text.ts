import { RGB_CHANNELS, type RgbImage } from './rgb-image';
import { textBitmap } from './pixel-font';

/**
 * Writes `text` into `image` in the 5×7 pixel font, each font cell a `cellSize`-pixel square, top
 * left at (`x`, `y`); ink outside the image is clipped. For figure labels.
 */
export function drawText(
  image: RgbImage,
  text: string,
  x: number,
  y: number,
  color: readonly [number, number, number],
  cellSize = 1,
): void {
  const bitmap = textBitmap(text);
  for (let py = 0; py < bitmap.height * cellSize; py++) {
    const ty = y + py;
    if (ty < 0 || ty >= image.height) continue;
    for (let px = 0; px < bitmap.width * cellSize; px++) {
      const tx = x + px;
      if (tx < 0 || tx >= image.width) continue;
      if (!bitmap.inked(Math.floor(px / cellSize), Math.floor(py / cellSize))) continue;
      image.data.set(color, (ty * image.width + tx) * RGB_CHANNELS);
    }
  }
}
