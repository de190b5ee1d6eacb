import type { RgbImage } from '../image/rgb-image';
import { paddedTile, type TilePlacement } from '../image/tiling';
import { encodeUpscaleSubmit, TILE_PADDING } from '../upscale/upscale-wire';

/**
 * The FRAME_SUBMIT (metadata fields and body) carrying `tiles` of `image`, each cut with
 * {@link TILE_PADDING} pixels of context per side, as the service expects (upscale-wire.ts).
 */
export function encodeTileFrame(
  image: RgbImage,
  tiles: readonly TilePlacement[],
  tileSize: number,
): ReturnType<typeof encodeUpscaleSubmit> {
  return encodeUpscaleSubmit({
    imageWidth: image.width,
    imageHeight: image.height,
    tileSize,
    tileIds: tiles.map((tile) => tile.id),
    paddedTiles: tiles.map((tile) => paddedTile(image, tile, tileSize, TILE_PADDING)),
  });
}
