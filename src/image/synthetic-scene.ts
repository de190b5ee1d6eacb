import { MAX_8BIT_VALUE } from './channel-range';
import { textBitmap } from './pixel-font';
import { RGB_CHANNELS, type RgbImage } from './rgb-image';

type Rgb = readonly [number, number, number];

/** Samples per pixel along each axis: 4×4 supersampling gives antialiased, photo-like edges. */
const SUBSAMPLES = 4;
/** The sign's text in the pixel font: thin strokes, the hardest case for an upscaler. */
const SIGN_TEXT = textBitmap('NNRP');

const SKY_TOP: Rgb = [38, 84, 160];
const SKY_HORIZON: Rgb = [206, 226, 242];
const SUN: Rgb = [255, 226, 130];
const FAR_HILLS: Rgb = [96, 132, 118];
const GRASS: Rgb = [72, 138, 58];
const BRICK: Rgb = [176, 82, 58];
const MORTAR: Rgb = [214, 200, 182];
const ROOF: Rgb = [84, 46, 40];
const WINDOW: Rgb = [250, 232, 160];
const FRAME: Rgb = [240, 240, 236];
const DOOR: Rgb = [96, 60, 34];
const TRUNK: Rgb = [92, 64, 42];
const LEAVES: Rgb = [44, 104, 48];
const SIGN: Rgb = [244, 244, 240];
const INK: Rgb = [24, 28, 40];
const FENCE: Rgb = [236, 228, 210];

/** Deterministic hash noise in [0, 1) of an integer lattice point (no Math.random: reproducible). */
function hash(ix: number, iy: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 2 ** 32;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function shadeBy(color: Rgb, factor: number): Rgb {
  return [color[0] * factor, color[1] * factor, color[2] * factor];
}

/**
 * The scene's colour at a point, in units of the image height (`x` in [0, aspect], `y` in [0, 1]),
 * painted back to front. Resolution-independent, so supersampling antialiases every edge.
 */
function sceneAt(x: number, y: number, aspect: number): Rgb {
  const horizon = 0.56 + 0.05 * Math.sin(x * 5.1 + 0.6);
  const ground = 0.7 + 0.035 * Math.sin(x * 2.9 + 2.1);
  let color: Rgb = mix(SKY_TOP, SKY_HORIZON, Math.min(1, y / horizon) ** 1.4);
  // Sun with a soft glow: a smooth radial falloff next to a hard disk edge.
  const sunDistance = Math.hypot(x - aspect * 0.8, y - 0.2);
  color = mix(color, SUN, Math.max(0, 0.35 - sunDistance) * 1.2);
  if (sunDistance < 0.075) color = SUN;
  if (y > horizon) color = shadeBy(FAR_HILLS, 1 - 0.3 * (y - horizon));
  if (y > ground) {
    // Grass: darker with depth, per-blade hash noise for fine texture.
    const blade = hash(Math.floor(x * 180), Math.floor(y * 60));
    color = shadeBy(GRASS, 0.75 + 0.35 * blade + 0.4 * (y - ground));
  }
  color = house(x, y, color);
  color = tree(x, y, aspect, color);
  color = fence(x, y, aspect, color, ground);
  return sign(x, y, aspect, color);
}

function house(x: number, y: number, behind: Rgb): Rgb {
  const [left, right, top, bottom] = [0.1, 0.5, 0.5, 0.82];
  const roofPeak = 0.3;
  const centre = (left + right) / 2;
  const overhang = 0.03;
  const roofHalfWidth = ((y - roofPeak) / (top - roofPeak)) * ((right - left) / 2 + overhang);
  if (y >= roofPeak && y < top && Math.abs(x - centre) < roofHalfWidth) {
    // Shingle rows: a slightly lighter line every few pixels.
    return shadeBy(ROOF, (y * 90) % 1 < 0.18 ? 1.35 : 1);
  }
  if (x < left || x > right || y < top || y > bottom) return behind;
  if (x > 0.27 && x < 0.34 && y > 0.66) return DOOR;
  for (const windowLeft of [0.15, 0.39]) {
    if (x > windowLeft && x < windowLeft + 0.07 && y > 0.57 && y < 0.66) {
      const crossbar = Math.abs(x - windowLeft - 0.035) < 0.008 || Math.abs(y - 0.615) < 0.008;
      return crossbar ? FRAME : WINDOW;
    }
  }
  // Bricks: courses of 0.03, every other course offset by half a brick.
  const course = Math.floor(y / 0.03);
  const brickX = x / 0.06 + (course % 2) * 0.5;
  const mortar = (y / 0.03) % 1 < 0.16 || brickX % 1 < 0.08;
  return mortar ? MORTAR : shadeBy(BRICK, 0.9 + 0.2 * hash(Math.floor(brickX), course));
}

function tree(x: number, y: number, aspect: number, behind: Rgb): Rgb {
  const trunkX = aspect * 0.62;
  const canopy = Math.hypot(x - trunkX, (y - 0.44) * 0.85);
  if (canopy < 0.13) {
    const leaf = hash(Math.floor(x * 110), Math.floor(y * 110));
    return shadeBy(LEAVES, 0.7 + 0.6 * leaf - canopy * 1.5);
  }
  if (Math.abs(x - trunkX) < 0.018 && y > 0.5 && y < 0.76) return TRUNK;
  return behind;
}

function fence(x: number, y: number, aspect: number, behind: Rgb, ground: number): Rgb {
  if (x < aspect * 0.7 || y < ground - 0.09 || y > ground + 0.05) return behind;
  const post = (x * 45) % 1 < 0.22;
  const rail = Math.abs(y - (ground - 0.05)) < 0.007 || Math.abs(y - ground) < 0.007;
  return post || rail ? FENCE : behind;
}

function sign(x: number, y: number, aspect: number, behind: Rgb): Rgb {
  const text = SIGN_TEXT;
  const cell = 0.017;
  const margin = 0.02;
  const left = aspect * 0.62;
  const top = 0.8;
  const width = text.width * cell + 2 * margin;
  const height = text.height * cell + 2 * margin;
  if (x < left || x > left + width || y < top || y > top + height) return behind;
  const column = Math.floor((x - left - margin) / cell);
  const row = Math.floor((y - top - margin) / cell);
  return text.inked(column, row) ? INK : SIGN;
}

/**
 * A deterministic, natural-looking synthetic RGB scene: sky gradient, a sun with a glow, hills,
 * textured grass, a brick house with windows, a tree, a fence and a sign with text. It has the
 * content a super-resolution model is judged on (smooth gradients, hard edges, fine texture,
 * thin strokes) without shipping a photograph.
 */
export function createSyntheticScene(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * RGB_CHANNELS);
  const aspect = width / height;
  const samples = SUBSAMPLES * SUBSAMPLES;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const sum = [0, 0, 0];
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const color = sceneAt(
            (px + (sx + 0.5) / SUBSAMPLES) / height,
            (py + (sy + 0.5) / SUBSAMPLES) / height,
            aspect,
          );
          for (let c = 0; c < RGB_CHANNELS; c++) sum[c] += color[c];
        }
      }
      const offset = (py * width + px) * RGB_CHANNELS;
      for (let c = 0; c < RGB_CHANNELS; c++) {
        data[offset + c] = Math.min(MAX_8BIT_VALUE, Math.max(0, Math.round(sum[c] / samples)));
      }
    }
  }
  return { data, width, height };
}
