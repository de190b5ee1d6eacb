import { bicubicUpscale } from './bicubic-upscale';
import { cropImage } from './crop-image';
import { nearestUpscale } from './nearest-upscale';
import { psnr } from './psnr';
import { RGB_CHANNELS, type RgbImage } from './rgb-image';
import { createTestPattern } from './test-pattern';

const solid = (width: number, height: number, rgb: [number, number, number]): RgbImage => ({
  width,
  height,
  data: Uint8Array.from({ length: width * height * RGB_CHANNELS }, (_, i) => rgb[i % 3]),
});

describe('psnr', () => {
  it('is infinite for identical buffers and follows 10·log10(255²/MSE)', () => {
    const a = Uint8Array.of(10, 20, 30, 40);
    expect(psnr(a, a)).toBe(Infinity);
    // One byte off by 255 out of 4: MSE = 255² / 4 → 10·log10(4) ≈ 6.02 dB.
    expect(psnr(Uint8Array.of(0, 0, 0, 0), Uint8Array.of(255, 0, 0, 0))).toBeCloseTo(6.0206, 3);
  });

  it('rejects buffers of different lengths', () => {
    expect(() => psnr(new Uint8Array(3), new Uint8Array(4))).toThrow(RangeError);
  });
});

describe('nearestUpscale', () => {
  it('replicates each pixel into a scale×scale block', () => {
    const image: RgbImage = { width: 2, height: 1, data: Uint8Array.of(1, 2, 3, 4, 5, 6) };
    const up = nearestUpscale(image, 2);
    expect(up).toMatchObject({ width: 4, height: 2 });
    expect(Array.from(up.data)).toEqual([
      1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6,
    ]);
  });
});

describe('bicubicUpscale', () => {
  it('keeps a flat colour flat (weights sum to 1, edges clamped)', () => {
    const up = bicubicUpscale(solid(5, 3, [12, 200, 255]), 3);
    expect(up).toMatchObject({ width: 15, height: 9 });
    expect(up.data).toEqual(solid(15, 9, [12, 200, 255]).data);
  });

  it('interpolates a linear ramp without shifting it (half-pixel centres)', () => {
    // Red ramp 0, 40, 80, … : at 2×, interior output x samples source (x + 0.5) / 2 − 0.5.
    const width = 8;
    const ramp: RgbImage = {
      width,
      height: 1,
      data: Uint8Array.from({ length: width * 3 }, (_, i) => (i % 3 === 0 ? (i / 3) * 40 : 0)),
    };
    const up = bicubicUpscale(ramp, 2);
    // Only where all 4 taps (source −1…+2 around the sample) are inside the image: edge clamping
    // bends the ramp near the borders, as intended.
    for (let x = 3; x <= 2 * width - 6; x++) {
      expect(up.data[x * 3]).toBe(Math.round(((x + 0.5) / 2 - 0.5) * 40));
    }
  });

  it('stays close to the nearest-neighbour upscale and far from a blank image', () => {
    const pattern = createTestPattern(16, 16);
    const up = bicubicUpscale(pattern, 2);
    const near = nearestUpscale(pattern, 2);
    expect(psnr(up.data, near.data)).toBeGreaterThan(20);
    expect(psnr(up.data, solid(32, 32, [0, 0, 0]).data)).toBeLessThan(10);
  });

  it('rejects non-integer factors and malformed images', () => {
    expect(() => bicubicUpscale(solid(2, 2, [0, 0, 0]), 1.5)).toThrow(RangeError);
    expect(() => bicubicUpscale({ width: 2, height: 2, data: new Uint8Array(5) }, 2)).toThrow(
      /expected 12 bytes/,
    );
  });
});

describe('cropImage', () => {
  it('copies the requested rectangle and rejects out-of-bounds rectangles', () => {
    const image: RgbImage = {
      width: 3,
      height: 2,
      data: Uint8Array.from({ length: 18 }, (_, i) => i),
    };
    expect(Array.from(cropImage(image, { x: 1, y: 1, width: 2, height: 1 }).data)).toEqual([
      12, 13, 14, 15, 16, 17,
    ]);
    expect(() => cropImage(image, { x: 2, y: 0, width: 2, height: 1 })).toThrow(RangeError);
  });
});
