import { tileGrid } from '../image/tiling';
import { toCarrierTarget } from './carrier-target';
import { readPngFile, writePngFile } from './png-file';
import { createProgressReporter } from './progress-reporter';
import { parseUpscaleArguments, UPSCALE_USAGE } from './upscale-arguments';
import { upscaleImage } from './upscale-pipeline';
import { formatUpscaleStats } from './upscale-stats';

/** Exit code of a bad command line (as most CLIs: 2). */
const EXIT_USAGE = 2;
/** Exit code of a failed run. */
const EXIT_FAILURE = 1;

/**
 * `npm run upscale -- in.png out.png [options]`: upscales a PNG through the NNRP service.
 * Progress goes to stderr, the summary to stdout, so `> stats.txt` captures just the numbers.
 */
async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseUpscaleArguments>;
  try {
    args = parseUpscaleArguments(argv);
  } catch (error) {
    process.stderr.write(`upscale: ${(error as Error).message}\n\n${UPSCALE_USAGE}`);
    return EXIT_USAGE;
  }
  if (args === 'help') {
    process.stdout.write(UPSCALE_USAGE);
    return 0;
  }
  const image = await readPngFile(args.input);
  const tiles = tileGrid(image.width, image.height, args.tileSize).tiles.length;
  process.stderr.write(
    `upscale: ${args.input} ${image.width}x${image.height} → ` +
      `${image.width * args.scale}x${image.height * args.scale}, ${tiles} tiles of ` +
      `${args.tileSize} px, ${args.target.carrier} ${args.target.host}:${args.target.port}\n`,
  );
  const progress = createProgressReporter(process.stderr);
  const result = await upscaleImage({
    image,
    target: await toCarrierTarget(args.target),
    scale: args.scale,
    token: args.token,
    tileSize: args.tileSize,
    tilesPerFrame: args.tilesPerFrame,
    inFlight: args.inFlight,
    budgetMs: args.budgetMs,
    retries: args.retries,
    onProgress: (state) => progress.update(state),
  });
  const { stats } = result;
  progress.finish({
    doneTiles: stats.tiles,
    totalTiles: stats.tiles,
    drops: stats.drops,
    elapsedMs: stats.seconds * 1000,
  });
  await writePngFile(args.output, result.image);
  process.stdout.write(`wrote ${args.output}\n${formatUpscaleStats(stats)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`\nupscale: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
