/**
 * Regenerates the before/after figure of the README (`npm run figure:upscale`):
 *
 * - docs/upscale-input.png        the 128×96 synthetic scene (src/image/synthetic-scene.ts)
 * - docs/upscale-esrgan-2x.png    the scene upscaled 2× by the service, through the CLI pipeline
 * - docs/upscale-bicubic-2x.png   the bicubic 2× baseline
 * - docs/upscale-esrgan-4x.png    the service's 4× output
 * - docs/upscale-comparison.png   nearest | bicubic | ESRGAN at 2×, and a 3× zoom of each
 *
 * By default it starts the service in this process (ephemeral ports, loopback, both models);
 * `--tcp host:port` uses a running one instead (e.g. `npm start`).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseHostPort } from '../src/cli/host-port';
import { writePngFile } from '../src/cli/png-file';
import { upscaleImage } from '../src/cli/upscale-pipeline';
import { bicubicUpscale } from '../src/image/bicubic-upscale';
import { pasteImage, solidImage } from '../src/image/compose-image';
import { cropImage, type PixelRect } from '../src/image/crop-image';
import { drawText } from '../src/image/draw-text';
import { nearestUpscale } from '../src/image/nearest-upscale';
import { GLYPH_HEIGHT } from '../src/image/pixel-font';
import { psnr } from '../src/image/psnr';
import type { RgbImage } from '../src/image/rgb-image';
import { createSyntheticScene } from '../src/image/synthetic-scene';
import type { EsrganScale } from '../src/model/esrgan-model.options';
import { startService, type RunningService } from '../src/service';
import { EPHEMERAL_LOOPBACK_ENV } from '../test/service/ephemeral-service-env';

const DOCS = resolve(__dirname, '..', 'docs');
const INPUT_WIDTH = 128;
const INPUT_HEIGHT = 96;
/** The 2× region the zoom row enlarges: the sign's text and the fence, the finest detail. */
const ZOOM_REGION: PixelRect = { x: 157, y: 128, width: 85, height: 64 };
/** 85×64 enlarged 3× is about one 256×192 panel. */
const ZOOM = 3;
const GAP = 8;
const LABEL_CELL = 2;
const LABEL_BAR = GLYPH_HEIGHT * LABEL_CELL + 2 * GAP;
const BACKGROUND: [number, number, number] = [255, 255, 255];
const LABEL_COLOR: [number, number, number] = [30, 30, 30];

interface Panel {
  readonly label: string;
  readonly image: RgbImage;
}

/** Labelled panels in a row, each with its zoomed region below. */
function comparison(panels: readonly Panel[]): RgbImage {
  const zoomed = panels.map((panel) => nearestUpscale(cropImage(panel.image, ZOOM_REGION), ZOOM));
  const cellWidth = Math.max(panels[0].image.width, zoomed[0].width);
  const width = panels.length * cellWidth + (panels.length + 1) * GAP;
  const height = LABEL_BAR + panels[0].image.height + GAP + zoomed[0].height + GAP;
  const figure = solidImage(width, height, BACKGROUND);
  panels.forEach((panel, i) => {
    const x = GAP + i * (cellWidth + GAP);
    drawText(figure, panel.label, x, GAP, LABEL_COLOR, LABEL_CELL);
    pasteImage(figure, panel.image, x, LABEL_BAR);
    pasteImage(figure, zoomed[i], x, LABEL_BAR + panel.image.height + GAP);
  });
  return figure;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tcp: { type: 'string' } } });
  let service: RunningService | undefined;
  let address = values.tcp === undefined ? undefined : parseHostPort(values.tcp);
  if (address === undefined) {
    service = await startService(
      { ...EPHEMERAL_LOOPBACK_ENV, NNRP_QUIC_PORT: 'off', MODEL_SCALES: '2,4' },
      false,
    );
    address = { host: '127.0.0.1', port: service.ports.tcp ?? 0 };
  }
  try {
    const input = createSyntheticScene(INPUT_WIDTH, INPUT_HEIGHT);
    const upscale = async (scale: EsrganScale): Promise<RgbImage> => {
      const { image, stats } = await upscaleImage({
        image: input,
        target: { tcp: address },
        scale,
      });
      console.log(
        `ESRGAN ${scale}x: ${stats.tiles} tiles, ${stats.tilesPerSecond.toFixed(1)} tiles/s, ` +
          `p50 ${stats.latency.p50Ms.toFixed(0)} ms`,
      );
      return image;
    };
    const esrgan2 = await upscale(2);
    const esrgan4 = await upscale(4);
    const bicubic2 = bicubicUpscale(input, 2);
    const nearest2 = nearestUpscale(input, 2);
    console.log(
      `2x PSNR: ESRGAN vs bicubic ${psnr(esrgan2.data, bicubic2.data).toFixed(1)} dB, ` +
        `nearest vs bicubic ${psnr(nearest2.data, bicubic2.data).toFixed(1)} dB`,
    );

    mkdirSync(DOCS, { recursive: true });
    const outputs: [string, RgbImage][] = [
      ['upscale-input.png', input],
      ['upscale-esrgan-2x.png', esrgan2],
      ['upscale-bicubic-2x.png', bicubic2],
      ['upscale-esrgan-4x.png', esrgan4],
      [
        'upscale-comparison.png',
        comparison([
          { label: 'NEAREST', image: nearest2 },
          { label: 'BICUBIC', image: bicubic2 },
          { label: 'ESRGAN', image: esrgan2 },
        ]),
      ],
    ];
    for (const [name, image] of outputs) {
      await writePngFile(resolve(DOCS, name), image);
      console.log(`wrote docs/${name} (${image.width}x${image.height})`);
    }
  } finally {
    await service?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
