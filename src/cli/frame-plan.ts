import type { TilePlacement } from '../image/tiling';

/** Largest tile id a raw_u16 tile index can carry. */
const MAX_TILE_ID = 0xffff;

/**
 * Groups tiles (row-major, as `tileGrid` cuts them) into frames of at most `tilesPerFrame`.
 * More tiles per frame amortise per-frame costs (one model batch per `PARTIAL_BATCH_TILES`);
 * fewer keep more frames in flight and make progress and drops finer-grained.
 */
export function planFrames(
  tiles: readonly TilePlacement[],
  tilesPerFrame: number,
): TilePlacement[][] {
  if (!Number.isInteger(tilesPerFrame) || tilesPerFrame < 1) {
    throw new RangeError(`tilesPerFrame must be a positive integer, got ${tilesPerFrame}`);
  }
  const last = tiles[tiles.length - 1];
  if (last && last.id > MAX_TILE_ID) {
    throw new RangeError(
      `${tiles.length} tiles: tile ids are u16 on the wire, use a larger tile size`,
    );
  }
  const frames: TilePlacement[][] = [];
  for (let start = 0; start < tiles.length; start += tilesPerFrame) {
    frames.push(tiles.slice(start, start + tilesPerFrame));
  }
  return frames;
}
