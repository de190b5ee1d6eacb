import type { ClientSession, NnrpCarrierTarget, ResultEvent } from '@nest-nnrp/nest';
import { assertRgbImage } from '../image/assert-rgb-image';
import { RGB_CHANNELS, type RgbImage } from '../image/rgb-image';
import { placeTile, tileGrid, type TileGrid, type TilePlacement } from '../image/tiling';
import type { EsrganScale } from '../model/esrgan-model.options';
import { runWithConcurrency } from './bounded-concurrency';
import { planFrames } from './frame-plan';
import { summarizeLatencies } from './latency-stats';
import type { UpscaleProgress } from './progress-reporter';
import { decodeUpscaledTiles } from './result-tiles';
import { encodeTileFrame } from './tile-frame';
import { openUpscaleSession } from './upscale-session';
import type { UpscaleStats } from './upscale-stats';

/** Options of {@link upscaleImage}. */
export interface UpscaleImageOptions {
  readonly image: RgbImage;
  /** The service's NNRP listener. */
  readonly target: NnrpCarrierTarget;
  /** Upscale factor, sent as the header `route_id`. */
  readonly scale: EsrganScale;
  /** HMAC secret of the service, when it has NNRP_AUTH_SECRET set. */
  readonly token?: string;
  /** Tile side in pixels (padding excluded). Default 64. */
  readonly tileSize?: number;
  /** Tiles per FRAME_SUBMIT. Default 1. */
  readonly tilesPerFrame?: number;
  /** Frames in flight; capped by the server's per-session limit. Default 8. */
  readonly inFlight?: number;
  /** `latency_budget_ms` of every frame; 0 (default) = none. */
  readonly budgetMs?: number;
  /** Resubmissions of a dropped frame's missing tiles before failing. Default 1. */
  readonly retries?: number;
  /** Called whenever tiles arrive (from the connection's event loop: keep it cheap). */
  readonly onProgress?: (progress: UpscaleProgress) => void;
}

/** What {@link upscaleImage} produced. */
export interface UpscaleImageResult {
  /** The input, `scale` times larger. */
  readonly image: RgbImage;
  readonly stats: UpscaleStats;
}

/** Defaults of {@link UpscaleImageOptions}. */
export const UPSCALE_DEFAULTS = {
  tileSize: 64,
  tilesPerFrame: 1,
  inFlight: 8,
  budgetMs: 0,
  retries: 1,
} as const;

type Settings = Required<Omit<UpscaleImageOptions, 'token' | 'onProgress'>> &
  Pick<UpscaleImageOptions, 'token' | 'onProgress'>;

/**
 * Upscales an image with the super-resolution service: cuts it into padded tiles
 * (`tileGrid` / `paddedTile`), sends them in frames of `tilesPerFrame` with a sliding window of
 * `inFlight` frames on one tensor session, and writes every upscaled tile (padding cropped by
 * the service) into the output with `placeTile`, which clips edge tiles. A dropped frame's
 * missing tiles are resubmitted up to `retries` times; after that the call rejects rather than
 * return a picture with holes.
 */
export async function upscaleImage(options: UpscaleImageOptions): Promise<UpscaleImageResult> {
  assertRgbImage(options.image, 'input image');
  const settings: Settings = {
    ...options,
    tileSize: options.tileSize ?? UPSCALE_DEFAULTS.tileSize,
    tilesPerFrame: options.tilesPerFrame ?? UPSCALE_DEFAULTS.tilesPerFrame,
    inFlight: options.inFlight ?? UPSCALE_DEFAULTS.inFlight,
    budgetMs: options.budgetMs ?? UPSCALE_DEFAULTS.budgetMs,
    retries: options.retries ?? UPSCALE_DEFAULTS.retries,
  };
  // Planned before connecting: a bad size or tiling fails without touching the network.
  const run = new UpscaleRun(settings);
  const connection = await openUpscaleSession(options.target, options.token);
  try {
    const serverLimit = connection.maxInFlight;
    const inFlight = serverLimit > 0 ? Math.min(settings.inFlight, serverLimit) : settings.inFlight;
    return await run.run(connection.session, inFlight);
  } finally {
    await connection.close();
  }
}

/** The state of one {@link upscaleImage} call. */
class UpscaleRun {
  private readonly grid: TileGrid;
  private readonly frames: TilePlacement[][];
  private readonly output: RgbImage;
  private readonly latenciesMs: number[] = [];
  private submits = 0;
  private drops = 0;
  private doneTiles = 0;
  private started = 0;

  constructor(private readonly settings: Settings) {
    const { image, tileSize, scale, tilesPerFrame } = settings;
    this.grid = tileGrid(image.width, image.height, tileSize);
    this.frames = planFrames(this.grid.tiles, tilesPerFrame);
    const width = image.width * scale;
    const height = image.height * scale;
    this.output = { width, height, data: new Uint8Array(width * height * RGB_CHANNELS) };
  }

  /** Sends every frame on `session`, `inFlight` at a time. */
  async run(session: ClientSession, inFlight: number): Promise<UpscaleImageResult> {
    this.started = performance.now();
    await runWithConcurrency(this.frames, inFlight, (tiles) => this.upscaleFrame(session, tiles));
    const seconds = (performance.now() - this.started) / 1000;
    const tiles = this.grid.tiles.length;
    return {
      image: this.output,
      stats: {
        carrier: this.settings.target.quic === undefined ? 'tcp' : 'quic',
        tiles,
        frames: this.frames.length,
        submits: this.submits,
        drops: this.drops,
        inFlight,
        seconds,
        tilesPerSecond: seconds > 0 ? tiles / seconds : 0,
        latency: summarizeLatencies(this.latenciesMs),
      },
    };
  }

  /** Submits the frame, then resubmits whatever a drop left missing. */
  private async upscaleFrame(
    session: ClientSession,
    tiles: readonly TilePlacement[],
  ): Promise<void> {
    let missing = tiles;
    for (let attempt = 0; attempt <= this.settings.retries; attempt++) {
      const received = await this.submit(session, missing);
      missing = missing.filter((tile) => !received.has(tile.id));
      if (missing.length === 0) return;
    }
    throw new Error(
      `tiles ${missing.map((tile) => tile.id).join(', ')} were not upscaled after ` +
        `${this.settings.retries + 1} submit(s) (${this.drops} drops in total)`,
    );
  }

  /** One FRAME_SUBMIT; places the tiles it got back and returns their ids. */
  private async submit(
    session: ClientSession,
    tiles: readonly TilePlacement[],
  ): Promise<Set<number>> {
    const { image, tileSize, scale, budgetMs } = this.settings;
    const { metadata, body } = encodeTileFrame(image, tiles, tileSize);
    const sentAt = performance.now();
    const call = session.submit(body, {
      routeId: scale,
      metadata: { ...metadata, latencyBudgetMs: budgetMs },
    });
    this.submits++;
    // Partials only advance the progress here: decoding happens below, where a bad result can
    // reject the run (a throwing listener would only be logged by the client).
    const stopPartials = call.onPartial((event) => this.advance(event.metadata.tileCount));
    const outcome = await call.done.finally(stopPartials);
    let events: readonly ResultEvent[] = outcome.partials;
    if (outcome.kind === 'result') {
      this.latenciesMs.push(performance.now() - sentAt);
      this.advance(outcome.metadata.tileCount);
      events = [...outcome.partials, outcome];
    } else {
      this.drops++;
      this.advance(0);
    }
    return this.place(tiles, events);
  }

  private place(tiles: readonly TilePlacement[], events: readonly ResultEvent[]): Set<number> {
    const { tileSize, scale } = this.settings;
    const wanted = new Map(tiles.map((tile) => [tile.id, tile]));
    const received = new Set<number>();
    for (const event of events) {
      for (const tile of decodeUpscaledTiles(event, tileSize, scale)) {
        const placement = wanted.get(tile.id);
        if (placement === undefined || received.has(tile.id)) {
          throw new Error(`the service answered tile ${tile.id}, which was not asked for`);
        }
        placeTile(this.output, placement, tile.pixels, tileSize, scale);
        received.add(tile.id);
      }
    }
    return received;
  }

  private advance(tiles: number): void {
    this.doneTiles += tiles;
    this.settings.onProgress?.({
      doneTiles: this.doneTiles,
      totalTiles: this.grid.tiles.length,
      drops: this.drops,
      elapsedMs: performance.now() - this.started,
    });
  }
}
