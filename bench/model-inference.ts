/**
 * ESRGAN-slim inference latency on onnxruntime (CPU): a 64×64 tile with 8 px of context on each
 * side (80×80 input → 160×160 output at 2×), one tile per run and 8 tiles per run (batched).
 * Prints a table; writes nothing.
 *
 * Run: `node -r @swc-node/register bench/model-inference.ts [scale=2] [threads=2] [runs=30]`
 */
import { Logger } from '@nestjs/common';
import { createTestPattern } from '../src/image/test-pattern';
import { EsrganModel } from '../src/model/esrgan-model';
import type { EsrganScale } from '../src/model/esrgan-model.options';
import { machine } from './support/measure';

/** Payload tile edge, as the service cuts images. */
const TILE = 64;
/** Context added on each side so the network's zero-padded borders fall outside the payload. */
const PADDING = 8;
/** Tiles per batched run. */
const BATCH = 8;
/** Untimed runs first: onnxruntime allocates and tunes on the first calls. */
const WARMUP_RUNS = 3;

const [scaleArg = '2', threadsArg = '2', runsArg = '30'] = process.argv.slice(2);
const scale = Number(scaleArg) as EsrganScale;
const intraOpNumThreads = Number(threadsArg);
const runs = Number(runsArg);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function time(iterations: number, run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const model = new EsrganModel({ scale, intraOpNumThreads, loadOnInit: false });
  await model.load();
  const side = TILE + 2 * PADDING;
  const tile = createTestPattern(side, side);
  const tiles = Array.from({ length: BATCH }, () => tile);

  const single = await time(runs, () => model.upscale(tile));
  const batched = await time(Math.max(1, Math.round(runs / BATCH)), () =>
    model.upscaleBatch(tiles),
  );
  await model.dispose();

  const row = (label: string, samples: number[], tilesPerRun: number) => ({
    run: label,
    'median ms/run': +percentile(samples, 0.5).toFixed(1),
    'p90 ms/run': +percentile(samples, 0.9).toFixed(1),
    'median ms/tile': +(percentile(samples, 0.5) / tilesPerRun).toFixed(1),
    'tiles/s': +((1000 * tilesPerRun) / percentile(samples, 0.5)).toFixed(1),
    samples: samples.length,
  });
  console.log(
    `${model.modelName}, ${side}x${side} input (${TILE} px tile + ${PADDING} px padding) → ` +
      `${side * scale}x${side * scale}, ${intraOpNumThreads} intra-op threads, ` +
      `load ${model.loadTimeMs?.toFixed(0)} ms`,
  );
  console.log(machine());
  console.table([row('1 tile', single, 1), row(`batch of ${BATCH}`, batched, BATCH)]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
