import { RGB_CHANNELS, type RgbImage } from './rgb-image';
import { MAX_8BIT_VALUE } from './channel-range';

/** The square sits in the middle half of the image: its edges are the pattern's hard edges. */
const SQUARE_START = 0.25;
const SQUARE_END = 0.75;
/** Period, in pixels, of the blue diagonal stripes (a mid-frequency texture). */
const STRIPE_PERIOD = 8;
/** Stripes cover half of each period. */
const STRIPE_DUTY = 0.5;
/** Blue level of the stripes; the gaps between them are 0. */
const STRIPE_LEVEL = 160;

/**
 * A deterministic synthetic RGB picture for checking upscalers without shipping image files:
 * a red horizontal gradient and a green vertical gradient (smooth regions, and a picture that is
 * not symmetric under transposition or channel swaps), blue diagonal stripes (texture), and a
 * white square with hard edges in the middle.
 */
export function createTestPattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * RGB_CHANNELS);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = width > 1 ? x / (width - 1) : 0;
      const v = height > 1 ? y / (height - 1) : 0;
      const inSquare = u >= SQUARE_START && u < SQUARE_END && v >= SQUARE_START && v < SQUARE_END;
      const inStripe = ((x + y) % STRIPE_PERIOD) / STRIPE_PERIOD < STRIPE_DUTY;
      const offset = (y * width + x) * RGB_CHANNELS;
      data[offset] = inSquare ? MAX_8BIT_VALUE : Math.round(u * MAX_8BIT_VALUE);
      data[offset + 1] = inSquare ? MAX_8BIT_VALUE : Math.round(v * MAX_8BIT_VALUE);
      data[offset + 2] = inSquare ? MAX_8BIT_VALUE : inStripe ? STRIPE_LEVEL : 0;
    }
  }
  return { data, width, height };
}
