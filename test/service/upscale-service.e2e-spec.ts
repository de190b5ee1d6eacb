/**
 * @jest-environment ./src/model/testing/onnxruntime.jest-environment.ts
 */
import {
  buildTensorSubmitBody,
  TensorDtype,
  TensorLayout,
  TensorScalePolicy,
  TileIndexMode,
} from '@nest-nnrp/protocol';
import { decodePng, encodePng } from '../../src/cli/png-file';
import type { UpscaleProgress } from '../../src/cli/progress-reporter';
import { openUpscaleSession, UpscaleConnection } from '../../src/cli/upscale-session';
import { upscaleImage } from '../../src/cli/upscale-pipeline';
import { encodeTileFrame } from '../../src/cli/tile-frame';
import { bicubicUpscale } from '../../src/image/bicubic-upscale';
import { nearestUpscale } from '../../src/image/nearest-upscale';
import { psnr } from '../../src/image/psnr';
import type { RgbImage } from '../../src/image/rgb-image';
import { createTestPattern } from '../../src/image/test-pattern';
import { paddedTile, tileGrid } from '../../src/image/tiling';
import { paddedTileElements, RGB_SECTION_ROLE, TILE_PADDING } from '../../src/upscale/upscale-wire';
import { metricValue } from './prometheus-text';
import { ServiceFixture, startServiceFixture } from './service-fixture';

/** 96×80 cut into 32 px tiles: 3×3 tiles, the bottom row 16 px high (edge tiles clipped). */
const IMAGE = createTestPattern(96, 80);
const TILE = 32;
const SCALE = 2;
/**
 * PSNR of the service's output against a bicubic upscale. Measured 28.2 dB; a broken pipeline
 * lands far below: swapped R/B 9.7 dB, two tiles swapped 12.9 dB, a 16 px shift 11.3 dB.
 */
const MIN_PSNR_VS_BICUBIC_DB = 22;
/**
 * The output must be closer to bicubic than a nearest-neighbour copy is (measured 28.2 vs
 * 25.9 dB), and not be such a copy itself (measured 22.4 dB against it).
 */
const MIN_GAIN_OVER_NEAREST_DB = 1;
const MAX_PSNR_VS_NEAREST_DB = 26;
const SECRET = 'e2e-secret';

type TileFrame = ReturnType<typeof encodeTileFrame>;

/** The checks that tell a working pipeline from a broken one (see the thresholds above). */
function expectSuperResolved(output: RgbImage): void {
  expect(output).toMatchObject({ width: IMAGE.width * SCALE, height: IMAGE.height * SCALE });
  const bicubic = bicubicUpscale(IMAGE, SCALE).data;
  const nearest = nearestUpscale(IMAGE, SCALE).data;
  const vsBicubic = psnr(output.data, bicubic);
  expect(vsBicubic).toBeGreaterThan(MIN_PSNR_VS_BICUBIC_DB);
  expect(vsBicubic).toBeGreaterThan(psnr(nearest, bicubic) + MIN_GAIN_OVER_NEAREST_DB);
  expect(psnr(output.data, nearest)).toBeLessThan(MAX_PSNR_VS_NEAREST_DB);
}

async function httpText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

/** One frame of `count` real padded tiles of the test image, as the CLI encodes it. */
function upscaleFrame(count: number): TileFrame {
  return encodeTileFrame(
    IMAGE,
    tileGrid(IMAGE.width, IMAGE.height, TILE).tiles.slice(0, count),
    TILE,
  );
}

async function submitFrame(
  connection: UpscaleConnection,
  frame: TileFrame,
  latencyBudgetMs = 0,
): Promise<'result' | 'drop'> {
  const call = connection.session.submit(frame.body, {
    routeId: SCALE,
    metadata: { ...frame.metadata, latencyBudgetMs },
  });
  return (await call.done).kind;
}

describe('super-resolution service, auth off', () => {
  let fixture: ServiceFixture;

  beforeAll(async () => {
    fixture = await startServiceFixture();
  });
  afterAll(() => fixture.service.close());

  it('upscales a PNG through the CLI pipeline over TCP, close to bicubic', async () => {
    // Through PNG bytes, as the CLI reads and writes files.
    const input = decodePng(encodePng(IMAGE));
    const progress: UpscaleProgress[] = [];
    const { image, stats } = await upscaleImage({
      image: input,
      target: fixture.tcp,
      scale: SCALE,
      tileSize: TILE,
      tilesPerFrame: 2,
      inFlight: 4,
      onProgress: (state) => progress.push(state),
    });
    expectSuperResolved(decodePng(encodePng(image)));

    expect(stats).toMatchObject({ carrier: 'tcp', tiles: 9, frames: 5, submits: 5, drops: 0 });
    expect(stats.latency.count).toBe(5);
    expect(stats.latency.p99Ms).toBeGreaterThanOrEqual(stats.latency.p50Ms);
    expect(progress.at(-1)).toMatchObject({ doneTiles: 9, totalTiles: 9 });
  });

  it('reports health and counts the frames in /metrics', async () => {
    const health = await httpText(`${fixture.http}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({
      status: 'ok',
      info: { model: { status: 'up' }, nnrp: { status: 'up' } },
    });

    const before = metricValue(
      (await httpText(`${fixture.http}/metrics`)).text,
      'nnrp_frames_total',
    );
    const { stats } = await upscaleImage({
      image: IMAGE,
      target: fixture.tcp,
      scale: SCALE,
      tileSize: TILE,
      tilesPerFrame: 4,
    });
    const metrics = await httpText(`${fixture.http}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metricValue(metrics.text, 'nnrp_frames_total') - before).toBe(stats.submits);
  });

  describe('on one session', () => {
    let connection: UpscaleConnection;

    beforeEach(async () => {
      connection = await openUpscaleSession(fixture.tcp);
    });
    afterEach(() => connection.close());

    it('drops frames with a wrong tensor shape and goes on', async () => {
      const drops = async (): Promise<number> =>
        metricValue((await httpText(`${fixture.http}/metrics`)).text, 'nnrp_drops_total', {
          reason: 'invalid-body',
        });
      const before = await drops();
      const frame = upscaleFrame(1);
      // The header claims 16 px tiles: the section's elementCountPerTile is for 32 px ones.
      const wrongSize = {
        ...frame,
        metadata: { ...frame.metadata, tileWidth: 16, tileHeight: 16 },
      };
      // Same bytes, declared float32 instead of uint8.
      const wrongDtype = {
        metadata: frame.metadata,
        body: buildTensorSubmitBody({
          layout: 'legacy',
          tileIds: [0],
          tileIndexMode: TileIndexMode.RawU16,
          sections: [
            {
              roleId: RGB_SECTION_ROLE,
              codecId: 0,
              dtypeId: TensorDtype.Fp32,
              layoutId: TensorLayout.Nhwc,
              scalePolicy: TensorScalePolicy.None,
              elementCountPerTile: paddedTileElements(TILE),
              tilePayloads: [
                paddedTile(
                  IMAGE,
                  tileGrid(IMAGE.width, IMAGE.height, TILE).tiles[0],
                  TILE,
                  TILE_PADDING,
                ),
              ],
            },
          ],
        }).body,
      };

      expect(await submitFrame(connection, wrongSize)).toBe('drop');
      expect(await submitFrame(connection, wrongDtype)).toBe('drop');
      expect(await submitFrame(connection, frame)).toBe('result');
      expect((await drops()) - before).toBe(2);
    });

    it('drops frames whose latency budget is too short, then serves the next', async () => {
      const deadlineDrops = async (): Promise<number> =>
        metricValue((await httpText(`${fixture.http}/metrics`)).text, 'nnrp_drops_total', {
          reason: 'deadline',
        });
      const before = await deadlineDrops();
      // Each takes far more than 1 ms. 4 tiles are one model batch (PARTIAL_BATCH_TILES = 4):
      // inference blocks the event loop, so only the check after the batch can catch it; 8 tiles
      // are two batches, the deadline timer fires between them.
      expect(await submitFrame(connection, upscaleFrame(4), 1)).toBe('drop');
      expect(await submitFrame(connection, upscaleFrame(8), 1)).toBe('drop');
      expect(await submitFrame(connection, upscaleFrame(8))).toBe('result');
      expect((await deadlineDrops()) - before).toBe(2);
    });
  });

  it('resubmits dropped tiles, then fails rather than return holes', async () => {
    const progress: UpscaleProgress[] = [];
    await expect(
      upscaleImage({
        image: IMAGE,
        target: fixture.tcp,
        scale: SCALE,
        tileSize: TILE,
        tilesPerFrame: 9,
        budgetMs: 1,
        retries: 1,
        onProgress: (state) => progress.push(state),
      }),
    ).rejects.toThrow(/were not upscaled after 2 submit/);
    expect(progress.at(-1)?.drops).toBe(2);
  });

  it('gives the same picture over QUIC as over TCP', async () => {
    const options = { image: IMAGE, scale: SCALE, tileSize: TILE, tilesPerFrame: 2 } as const;
    const quic = await upscaleImage({ ...options, target: fixture.quic! });
    const tcp = await upscaleImage({ ...options, target: fixture.tcp });
    expect(quic.stats).toMatchObject({ carrier: 'quic', tiles: 9, drops: 0 });
    expectSuperResolved(quic.image);
    // Same tiles in the same batches: the same network output, bit for bit.
    expect(Buffer.from(quic.image.data).equals(Buffer.from(tcp.image.data))).toBe(true);
  });
});

describe('super-resolution service, auth on', () => {
  let fixture: ServiceFixture;

  beforeAll(async () => {
    fixture = await startServiceFixture({ NNRP_AUTH_SECRET: SECRET, NNRP_QUIC_PORT: 'off' });
  });
  afterAll(() => fixture.service.close());

  const small = { image: createTestPattern(40, 24), scale: SCALE, tileSize: TILE } as const;

  it('refuses a session without a token or with a wrong one', async () => {
    await expect(upscaleImage({ ...small, target: fixture.tcp })).rejects.toThrow(
      /refused the session.*--token/,
    );
    await expect(upscaleImage({ ...small, target: fixture.tcp, token: 'wrong' })).rejects.toThrow(
      /refused the session/,
    );
  });

  it('serves a session signed with the secret', async () => {
    const { image, stats } = await upscaleImage({ ...small, target: fixture.tcp, token: SECRET });
    expect(image).toMatchObject({ width: 80, height: 48 });
    expect(stats).toMatchObject({ tiles: 2, drops: 0 });
  });
});
