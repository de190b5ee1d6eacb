import type { ResultEvent } from '@nest-nnrp/nest';
import { TensorBodyView } from '@nest-nnrp/protocol';
import { upscaledTileElements } from '../upscale/upscale-wire';

/** One upscaled tile of a RESULT_PUSH: its id and `(tileSize·scale)²` RGB bytes. */
export interface UpscaledTile {
  readonly id: number;
  /** A view into the received body, padding already cropped by the service. */
  readonly pixels: Uint8Array;
}

/**
 * The tiles of one RESULT_PUSH (partial or terminal) of the upscale contract (upscale-wire.ts):
 * legacy tensor layout, one RGB section. Throws when a tile does not have the size the contract
 * promises, so a server bug never turns into a silently shifted picture.
 */
export function decodeUpscaledTiles(
  event: ResultEvent,
  tileSize: number,
  scale: number,
): UpscaledTile[] {
  if (event.metadata.tileCount === 0) return [];
  const view = TensorBodyView.ofResult(event.metadata, event.body, 'legacy');
  const section = view.sections[0];
  if (section === undefined) throw new Error('result has tiles but no tensor section');
  const expected = upscaledTileElements(tileSize, scale);
  return Array.from(view.tileIds, (id, i) => {
    const pixels = section.tilePayload(i);
    if (pixels.length !== expected) {
      throw new Error(`result tile ${id} has ${pixels.length} bytes, expected ${expected}`);
    }
    return { id, pixels };
  });
}
