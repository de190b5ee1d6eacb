import { RGB_CHANNELS, RgbImage } from './rgb-image';

/** Where a tile sits in its image, in tile units and pixels. */
export interface TilePlacement {
  /** Row-major tile id (u16 on the wire). */
  readonly id: number;
  readonly x: number;
  readonly y: number;
  /** Pixels of the image the tile covers (edge tiles may be smaller than the tile size). */
  readonly width: number;
  readonly height: number;
}

/** A tile grid over an image. */
export interface TileGrid {
  readonly tileSize: number;
  readonly columns: number;
  readonly rows: number;
  readonly tiles: readonly TilePlacement[];
}

/** Cuts `width × height` into `tileSize` squares, row-major. */
export function tileGrid(width: number, height: number, tileSize: number): TileGrid {
  const columns = Math.ceil(width / tileSize);
  const rows = Math.ceil(height / tileSize);
  const tiles: TilePlacement[] = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const x = column * tileSize;
      const y = row * tileSize;
      tiles.push({
        id: row * columns + column,
        x,
        y,
        width: Math.min(tileSize, width - x),
        height: Math.min(tileSize, height - y),
      });
    }
  }
  return { tileSize, columns, rows, tiles };
}

/**
 * The `(tileSize + 2·padding)²` RGB block around a tile: the tile plus `padding` pixels of
 * context on every side, so the network sees the neighbourhood and tile seams do not show.
 * Outside the image, edge pixels are repeated.
 */
export function paddedTile(
  image: RgbImage,
  tile: TilePlacement,
  tileSize: number,
  padding: number,
): Uint8Array {
  const side = tileSize + 2 * padding;
  const out = new Uint8Array(side * side * RGB_CHANNELS);
  for (let row = 0; row < side; row++) {
    const y = clamp(tile.y - padding + row, image.height - 1);
    for (let column = 0; column < side; column++) {
      const x = clamp(tile.x - padding + column, image.width - 1);
      const from = (y * image.width + x) * RGB_CHANNELS;
      const to = (row * side + column) * RGB_CHANNELS;
      out[to] = image.data[from];
      out[to + 1] = image.data[from + 1];
      out[to + 2] = image.data[from + 2];
    }
  }
  return out;
}

/**
 * Removes the upscaled context border from an upscaled padded tile: keeps the
 * `(tileSize·scale)²` centre.
 */
export function cropPadding(
  upscaled: Uint8Array,
  tileSize: number,
  padding: number,
  scale: number,
): Uint8Array {
  const side = (tileSize + 2 * padding) * scale;
  const inner = tileSize * scale;
  const offset = padding * scale;
  const out = new Uint8Array(inner * inner * RGB_CHANNELS);
  const rowBytes = inner * RGB_CHANNELS;
  for (let row = 0; row < inner; row++) {
    const from = ((row + offset) * side + offset) * RGB_CHANNELS;
    out.set(upscaled.subarray(from, from + rowBytes), row * rowBytes);
  }
  return out;
}

/**
 * Writes an upscaled tile (`(tileSize·scale)²`, padding already cropped) into the output image;
 * an edge tile writes only the part inside the image.
 */
export function placeTile(
  target: RgbImage,
  tile: TilePlacement,
  pixels: Uint8Array,
  tileSize: number,
  scale: number,
): void {
  const side = tileSize * scale;
  const width = tile.width * scale;
  const height = tile.height * scale;
  const x0 = tile.x * scale;
  const y0 = tile.y * scale;
  for (let row = 0; row < height; row++) {
    const from = row * side * RGB_CHANNELS;
    const to = ((y0 + row) * target.width + x0) * RGB_CHANNELS;
    target.data.set(pixels.subarray(from, from + width * RGB_CHANNELS), to);
  }
}

function clamp(value: number, max: number): number {
  return value < 0 ? 0 : value > max ? max : value;
}
