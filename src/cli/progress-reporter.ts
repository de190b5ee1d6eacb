/** How far an upscale is. */
export interface UpscaleProgress {
  readonly doneTiles: number;
  readonly totalTiles: number;
  /** Frames answered with RESULT_DROP so far. */
  readonly drops: number;
  /** Since the first submit. */
  readonly elapsedMs: number;
}

/** Shows {@link UpscaleProgress} to a person. */
export interface ProgressReporter {
  update(progress: UpscaleProgress): void;
  /** Shows the final state and ends the display (a TTY bar gets its newline). */
  finish(progress: UpscaleProgress): void;
}

/** The part of a stream the reporter uses (`process.stderr` fits). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const BAR_WIDTH = 30;
/** A terminal redraw at most this often: redrawing per tile would cost more than the tile. */
const TTY_REDRAW_MS = 100;
/** Without a terminal, one plain line per this much progress (logs stay short). */
const PLAIN_STEP_PERCENT = 10;

function percent(progress: UpscaleProgress): number {
  return progress.totalTiles === 0 ? 100 : (100 * progress.doneTiles) / progress.totalTiles;
}

function rate(progress: UpscaleProgress): string {
  const perSecond = progress.elapsedMs > 0 ? (1000 * progress.doneTiles) / progress.elapsedMs : 0;
  return `${perSecond.toFixed(1)} tiles/s`;
}

function drops(progress: UpscaleProgress): string {
  return progress.drops === 0 ? '' : `, ${progress.drops} dropped`;
}

/** `[█████░░░░░]  50% 128/256 tiles, 40.1 tiles/s` redrawn in place with `\r`. */
function ttyReporter(stream: ProgressStream): ProgressReporter {
  let lastDraw = -Infinity;
  const draw = (progress: UpscaleProgress): void => {
    const filled = Math.round((BAR_WIDTH * percent(progress)) / 100);
    stream.write(
      `\r[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ` +
        `${percent(progress).toFixed(0).padStart(3)}% ${progress.doneTiles}/${progress.totalTiles} ` +
        `tiles, ${rate(progress)}${drops(progress)}\x1b[K`,
    );
  };
  return {
    update: (progress) => {
      const now = performance.now();
      if (now - lastDraw < TTY_REDRAW_MS) return;
      lastDraw = now;
      draw(progress);
    },
    finish: (progress) => {
      draw(progress);
      stream.write('\n');
    },
  };
}

/** `upscale: 30% (77/256 tiles, 41.0 tiles/s)` once per 10 %, for logs and pipes. */
function plainReporter(stream: ProgressStream): ProgressReporter {
  let lastStep = -1;
  const line = (progress: UpscaleProgress): void => {
    stream.write(
      `upscale: ${percent(progress).toFixed(0)}% (${progress.doneTiles}/${progress.totalTiles} ` +
        `tiles, ${rate(progress)}${drops(progress)})\n`,
    );
  };
  return {
    update: (progress) => {
      const step = Math.floor(percent(progress) / PLAIN_STEP_PERCENT);
      if (step <= lastStep || step * PLAIN_STEP_PERCENT >= 100) return;
      lastStep = step;
      line(progress);
    },
    finish: line,
  };
}

/** A progress bar on a terminal, plain lines otherwise (`stream.isTTY` decides). */
export function createProgressReporter(stream: ProgressStream): ProgressReporter {
  return stream.isTTY === true ? ttyReporter(stream) : plainReporter(stream);
}
