/**
 * What NNRP costs on top of the model: ESRGAN-slim x2 on 64×64 tiles (80×80 with padding) run
 * in this process, against the real service (its own process, `startService`) driven over TCP
 * with the CLI's client code. Scenarios: 1 tile per frame with 1 and 8 frames in flight, and
 * 4 tiles per frame with 8 in flight (in process: one 4-tile batch, as the service batches).
 *
 * The host is shared and noisy, so the two sides are interleaved finely (lock-step frame by frame,
 * windowed block by block, the order alternating) and compared pair by pair: the overheads are
 * medians of paired ratios, robust to load that comes and goes. Writes bench/results/model.json.
 *
 * Run: `npm run bench:model` (env: BENCH_PAIRS, default 120; BENCH_BLOCKS per side, default 10;
 * BENCH_BLOCK frames, default 24; MODEL_THREADS on both sides, default 2).
 */
import { Logger } from '@nestjs/common';
import { runWithConcurrency } from '../src/cli/bounded-concurrency';
import { percentile } from '../src/cli/latency-stats';
import { decodeUpscaledTiles } from '../src/cli/result-tiles';
import { encodeTileFrame } from '../src/cli/tile-frame';
import { openUpscaleSession, type UpscaleConnection } from '../src/cli/upscale-session';
import { createSyntheticScene } from '../src/image/synthetic-scene';
import { cropPadding, paddedTile, tileGrid } from '../src/image/tiling';
import { EsrganModel } from '../src/model/esrgan-model';
import { TILE_PADDING } from '../src/upscale/upscale-wire';
import { startBenchServer } from './support/bench-server-process';
import { machine, writeReport } from './support/measure';

const TILE = 64;
const SCALE = 2;
const SIDE = TILE + 2 * TILE_PADDING;
const PAIRS = Number(process.env.BENCH_PAIRS ?? 120);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 10);
const BLOCK = Number(process.env.BENCH_BLOCK ?? 24);
const THREADS = process.env.MODEL_THREADS ?? '2';
const WARMUP_FRAMES = 8;
const WINDOW = 8;
/** The service's PARTIAL_BATCH_TILES default: one model batch per frame of this many tiles. */
const BATCH_TILES = 4;
/** The report's targets: per-tile time overhead at 1 in flight, throughput share at 8. */
const MAX_OVERHEAD = 0.05;
const MIN_THROUGHPUT_SHARE = 0.95;

type Side = 'in-process' | 'nnrp tcp';
const SIDES: readonly Side[] = ['in-process', 'nnrp tcp'];
/** One frame of a side: its index in the run → done. */
type FrameOp = (i: number) => Promise<void>;
type Sides<T> = Record<Side, T>;

/** One scenario of one side: throughput and per-frame latency. */
interface Row {
  /** Windowed: the median block's; lock-step: 1000 / median latency. */
  readonly tilesPerSecond: number;
  readonly msPerTile: number;
  readonly p50MsPerFrame: number;
  readonly p99MsPerFrame: number;
  readonly frames: number;
}

/** Distinct real tiles (a 256×256 scene cut in 64 px tiles), cycled through. */
const image = createSyntheticScene(4 * TILE, 4 * TILE);
const tiles = tileGrid(image.width, image.height, TILE).tiles;
const paddedTiles = tiles.map((tile) => paddedTile(image, tile, TILE, TILE_PADDING));
const tileIndexes = (i: number, count: number): number[] =>
  Array.from({ length: count }, (_, k) => (i * count + k) % tiles.length);

/** The service's per-frame work, minus the transport: one batch, then crop the padding. */
function inProcess(model: EsrganModel, tilesPerFrame: number): FrameOp {
  return async (i) => {
    const inputs = tileIndexes(i, tilesPerFrame).map((t) => ({
      width: SIDE,
      height: SIDE,
      data: paddedTiles[t],
    }));
    for (const output of await model.upscaleBatch(inputs)) {
      cropPadding(output.data, TILE, TILE_PADDING, SCALE);
    }
  };
}

/** A frame through NNRP, cut, encoded and decoded as the CLI does. */
function throughNnrp(connection: UpscaleConnection, tilesPerFrame: number): FrameOp {
  return async (i) => {
    const frameTiles = tileIndexes(i, tilesPerFrame).map((t) => tiles[t]);
    const { metadata, body } = encodeTileFrame(image, frameTiles, TILE);
    const outcome = await connection.session.submit(body, { routeId: SCALE, metadata }).done;
    if (outcome.kind !== 'result') throw new Error(`frame ${i} was dropped`);
    decodeUpscaledTiles(outcome, TILE, SCALE);
  };
}

/** Runs `frames` ops with a sliding window of `inFlight`: per-frame latencies and frames/s. */
async function measure(
  inFlight: number,
  frames: number,
  op: FrameOp,
): Promise<{ framesPerSecond: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  await runWithConcurrency(
    Array.from({ length: frames }, (_, i) => i),
    inFlight,
    async (i) => {
      const sentAt = performance.now();
      await op(i);
      latenciesMs.push(performance.now() - sentAt);
    },
  );
  return { framesPerSecond: frames / ((performance.now() - started) / 1000), latenciesMs };
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

function row(latenciesMs: readonly number[], tilesPerSecond: number): Row {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    tilesPerSecond: +tilesPerSecond.toFixed(2),
    msPerTile: +(1000 / tilesPerSecond).toFixed(2),
    p50MsPerFrame: +percentile(sorted, 0.5).toFixed(2),
    p99MsPerFrame: +percentile(sorted, 0.99).toFixed(2),
    frames: sorted.length,
  };
}

/** Each side in turn, `rounds` times, the order alternating so neither side always goes first. */
async function interleave(
  rounds: number,
  run: (side: Side, round: number) => Promise<void>,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? SIDES : [...SIDES].reverse()) await run(side, round);
  }
}

/** A scenario's rows, and NNRP against in-process from paired samples. */
interface Scenario {
  readonly rows: Sides<Row>;
  /**
   * Median over pairs (a frame each, or a block each) of NNRP's value over in-process's:
   * each pair ran back to back, so load from other processes mostly cancels out.
   */
  readonly pairedRatio: number;
}

/** 1 in flight, 1 tile per frame, frame by frame; the ratio is of frame latencies. */
async function lockStep(ops: Sides<FrameOp>): Promise<Scenario> {
  const latencies: Sides<number[]> = { 'in-process': [], 'nnrp tcp': [] };
  await interleave(PAIRS, async (side, i) => {
    latencies[side].push(...(await measure(1, 1, () => ops[side](i))).latenciesMs);
  });
  const rowOf = (side: Side): Row => row(latencies[side], 1000 / median(latencies[side]));
  return {
    rows: { 'in-process': rowOf('in-process'), 'nnrp tcp': rowOf('nnrp tcp') },
    pairedRatio: median(latencies['nnrp tcp'].map((ms, i) => ms / latencies['in-process'][i])),
  };
}

/** {@link WINDOW} in flight, block by block; tiles/s is the median block's, the ratio of rates. */
async function windowed(ops: Sides<FrameOp>, tilesPerFrame: number): Promise<Scenario> {
  const latencies: Sides<number[]> = { 'in-process': [], 'nnrp tcp': [] };
  const rates: Sides<number[]> = { 'in-process': [], 'nnrp tcp': [] };
  await interleave(BLOCKS, async (side) => {
    const run = await measure(WINDOW, BLOCK, ops[side]);
    latencies[side].push(...run.latenciesMs);
    rates[side].push(run.framesPerSecond * tilesPerFrame);
  });
  const rowOf = (side: Side): Row => row(latencies[side], median(rates[side]));
  return {
    rows: { 'in-process': rowOf('in-process'), 'nnrp tcp': rowOf('nnrp tcp') },
    pairedRatio: median(rates['nnrp tcp'].map((rate, i) => rate / rates['in-process'][i])),
  };
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const model = new EsrganModel({ scale: SCALE, intraOpNumThreads: Number(THREADS) });
  await model.load();
  const server = await startBenchServer('model/model-server.ts', { MODEL_THREADS: THREADS });
  const connection = await openUpscaleSession({ tcp: { host: '127.0.0.1', port: server.port } });
  try {
    const single: Sides<FrameOp> = {
      'in-process': inProcess(model, 1),
      'nnrp tcp': throughNnrp(connection, 1),
    };
    const batched: Sides<FrameOp> = {
      'in-process': inProcess(model, BATCH_TILES),
      'nnrp tcp': throughNnrp(connection, BATCH_TILES),
    };
    for (const side of SIDES) await measure(1, WARMUP_FRAMES, single[side]);
    const scenarios: [string, Scenario][] = [
      ['1 tile/frame, 1 in flight', await lockStep(single)],
      [`1 tile/frame, ${WINDOW} in flight`, await windowed(single, 1)],
      [`${BATCH_TILES} tiles/frame, ${WINDOW} in flight`, await windowed(batched, BATCH_TILES)],
    ];
    const rows: Record<string, Row> = {};
    for (const [name, scenario] of scenarios) {
      for (const side of SIDES) rows[`${side}, ${name}`] = scenario.rows[side];
    }
    const [lock, window1, window4] = scenarios.map(([, scenario]) => scenario.pairedRatio);
    const overhead = {
      /** NNRP's extra time per tile, lock-step (median of paired frame latency ratios − 1). */
      perTileTime1InFlight: +(lock - 1).toFixed(4),
      /** NNRP's tiles/s as a share of in-process tiles/s, 8 in flight (median paired ratio). */
      throughputShare8InFlight: +window1.toFixed(4),
      /** The same with 4 tiles per frame (one model batch per frame on both sides). */
      throughputShare8InFlight4TilesPerFrame: +window4.toFixed(4),
    };
    const report = {
      bench: 'model',
      machine: machine(),
      config: {
        model: model.modelName,
        tile: `${TILE}x${TILE} (${SIDE}x${SIDE} padded) → ${TILE * SCALE}x${TILE * SCALE}`,
        intraOpThreads: Number(THREADS),
        lockStepPairs: PAIRS,
        windowed: `${BLOCKS} blocks per side of ${BLOCK} frames, ${WINDOW} in flight`,
      },
      rows,
      overhead,
      targets: {
        maxOverhead: MAX_OVERHEAD,
        minThroughputShare: MIN_THROUGHPUT_SHARE,
        overheadMet: overhead.perTileTime1InFlight <= MAX_OVERHEAD,
        throughputMet: overhead.throughputShare8InFlight >= MIN_THROUGHPUT_SHARE,
      },
    };
    console.table(rows);
    console.log(report.overhead, report.targets);
    console.log(`wrote ${writeReport('model.json', report)}`);
  } finally {
    await connection.close();
    await server.stop();
    await model.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
