/**
 * @jest-environment ./src/model/testing/onnxruntime.jest-environment.ts
 */
import { bicubicUpscale } from '../image/bicubic-upscale';
import { cropImage, type PixelRect } from '../image/crop-image';
import { nearestUpscale } from '../image/nearest-upscale';
import { psnr } from '../image/psnr';
import { RGB_CHANNELS, type RgbImage } from '../image/rgb-image';
import { createTestPattern } from '../image/test-pattern';
import { EsrganModel } from './esrgan-model';
import { ESRGAN_MODEL_SCALES } from './esrgan-model.options';

const SIZE = 32;
/**
 * Source pixels ignored along each border when comparing: the network zero-pads its convolutions,
 * so tile borders are degraded by design (the service pads tiles and crops the result, likewise).
 */
const BORDER = 4;
/** Interior PSNR floor against bicubic. Measured 27.8 dB (2×) and 27.5 dB (4×). */
const MIN_PSNR_VS_BICUBIC_DB = 25;
/**
 * The output must be this much closer to bicubic than to a nearest-neighbour copy.
 * Measured: 6.4 dB (2×: 27.8 vs 21.4), 5.1 dB (4×: 27.5 vs 22.5).
 */
const MIN_BICUBIC_OVER_NEAREST_DB = 3;
/**
 * From a single-channel input, another output channel may carry at most this fraction of the
 * input channel's mean. The network mixes channels slightly (worst measured: 6.6 %, blue → green
 * at 4×); a channel-order or pixel-shuffle bug moves ~100 %.
 */
const MAX_CHANNEL_LEAK = 0.15;
/** Batched and single runs may differ by float summation order, never by more than 1 level. */
const MAX_BATCH_DIFFERENCE = 1;

function interior(image: RgbImage, scale: number, dx = 0, dy = 0): Uint8Array {
  const margin = BORDER * scale;
  const rect: PixelRect = {
    x: margin + dx,
    y: margin + dy,
    width: image.width - 2 * margin,
    height: image.height - 2 * margin,
  };
  return cropImage(image, rect).data;
}

function keepChannel(image: RgbImage, channel: number): RgbImage {
  return { ...image, data: image.data.map((v, i) => (i % RGB_CHANNELS === channel ? v : 0)) };
}

function channelMeans(image: RgbImage): number[] {
  const sums = [0, 0, 0];
  image.data.forEach((v, i) => (sums[i % RGB_CHANNELS] += v));
  return sums.map((sum) => sum / (image.width * image.height));
}

describe.each(ESRGAN_MODEL_SCALES)('EsrganModel %i× (real ONNX inference)', (scale) => {
  const model = new EsrganModel({ scale, loadOnInit: false });
  const pattern = createTestPattern(SIZE, SIZE);
  let output: RgbImage;

  beforeAll(async () => {
    await model.load();
    output = await model.upscale(pattern);
  });
  afterAll(() => model.dispose());

  it('reports its identity and load time', () => {
    expect(model.info()).toEqual({
      modelName: `esrgan-slim-x${scale}`,
      scale,
      loaded: true,
      loadTimeMs: expect.any(Number),
      intraOpNumThreads: 2,
    });
    expect(model.loadTimeMs).toBeGreaterThan(0);
  });

  it('returns an image scaled by the model factor', () => {
    expect(output.width).toBe(SIZE * scale);
    expect(output.height).toBe(SIZE * scale);
    expect(output.data).toHaveLength(SIZE * scale * SIZE * scale * RGB_CHANNELS);
  });

  it('is close to a bicubic upscale and clearly not a nearest-neighbour copy', () => {
    const vsBicubic = psnr(
      interior(output, scale),
      interior(bicubicUpscale(pattern, scale), scale),
    );
    const vsNearest = psnr(
      interior(output, scale),
      interior(nearestUpscale(pattern, scale), scale),
    );
    expect(vsBicubic).toBeGreaterThan(MIN_PSNR_VS_BICUBIC_DB);
    expect(vsBicubic - vsNearest).toBeGreaterThan(MIN_BICUBIC_OVER_NEAREST_DB);
  });

  it('is spatially aligned with the bicubic upscale (best match at zero shift)', () => {
    const bicubic = bicubicUpscale(pattern, scale);
    const aligned = psnr(interior(output, scale), interior(bicubic, scale));
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      expect(psnr(interior(output, scale), interior(bicubic, scale, dx, dy))).toBeLessThan(aligned);
    }
  });

  it('keeps colour channels apart (batch of red-, green- and blue-only tiles)', async () => {
    const singles = [0, 1, 2].map((channel) => keepChannel(pattern, channel));
    const outputs = await model.upscaleBatch(singles);
    outputs.forEach((upscaled, channel) => {
      const means = channelMeans(upscaled);
      means.forEach((mean, other) => {
        if (other !== channel) expect(mean).toBeLessThan(MAX_CHANNEL_LEAK * means[channel]);
      });
    });
  });

  it('gives the same result batched as tile by tile', async () => {
    const other = createTestPattern(SIZE, SIZE);
    other.data.reverse();
    const [first, second] = await model.upscaleBatch([pattern, other]);
    const alone = await model.upscale(other);
    const maxDifference = (a: Uint8Array, b: Uint8Array): number =>
      a.reduce((max, v, i) => Math.max(max, Math.abs(v - b[i])), 0);
    expect(maxDifference(first.data, output.data)).toBeLessThanOrEqual(MAX_BATCH_DIFFERENCE);
    expect(maxDifference(second.data, alone.data)).toBeLessThanOrEqual(MAX_BATCH_DIFFERENCE);
  });
});

describe('EsrganModel API', () => {
  it('rejects invalid options at construction', () => {
    expect(() => new EsrganModel({ scale: 3 as 2 })).toThrow(RangeError);
    expect(() => new EsrganModel({ intraOpNumThreads: 0 })).toThrow(RangeError);
  });

  it('defaults to 2×, 2 threads, not loaded until asked', () => {
    const model = new EsrganModel();
    expect(model.info()).toEqual({
      modelName: 'esrgan-slim-x2',
      scale: 2,
      loaded: false,
      loadTimeMs: undefined,
      intraOpNumThreads: 2,
    });
  });

  it('validates tiles before running, loads lazily, and reloads after dispose', async () => {
    const model = new EsrganModel({ loadOnInit: false });
    const tile = createTestPattern(8, 8);
    await expect(model.upscale({ ...tile, width: 9 })).rejects.toThrow(RangeError);
    await expect(model.upscaleBatch([tile, createTestPattern(8, 9)])).rejects.toThrow(/8x8/);
    expect(model.loaded).toBe(false);
    await expect(model.upscaleBatch([])).resolves.toEqual([]);

    const [a, b] = await Promise.all([model.upscale(tile), model.upscale(tile)]);
    expect(model.loaded).toBe(true);
    expect(b.data).toEqual(a.data);

    await model.dispose();
    expect(model.loaded).toBe(false);
    await expect(model.upscale(tile)).resolves.toMatchObject({ width: 16, height: 16 });
    await model.dispose();
  });

  it('stays unloaded when disposed while loading', async () => {
    const model = new EsrganModel({ loadOnInit: false });
    const loading = model.load();
    await model.dispose();
    await loading;
    expect(model.loaded).toBe(false);
  });
});
