import {
  buildTensorResultBody,
  buildTensorSubmitBody,
  FrameSubmitMetadata,
  PayloadKind,
  ProfileId,
  SchemaDescriptorHeader,
  TensorBodyLayout,
  TensorDtype,
  TensorLayout,
  TensorScalePolicy,
  TileIndexMode,
} from '@nest-nnrp/protocol';
import { RGB_CHANNELS } from '../image/rgb-image';

/**
 * The wire contract of the super-resolution service, shared by the server and the CLI.
 *
 * - Session: tensor profile with the schema below (SESSION_OPEN), or a CLIENT_HELLO offering the
 *   tensor profile.
 * - FRAME_SUBMIT: `payload_kind_bitmap` tensor, inline (the legacy tensor layout of decisions.md
 *   §4); `src_width/src_height` = image size, `tile_width/tile_height` = tile size without padding;
 *   a raw_u16 tile index; one section (role {@link RGB_SECTION_ROLE}): uint8 RGB NHWC, each tile
 *   `(tile + 2·padding)²·3` bytes including {@link TILE_PADDING} pixels of context per side.
 *   The header `route_id` names the scale (2 or 4) through the transport's `modelRoutes`.
 * - RESULT_PUSH: the same tile ids and one section of `(tile·scale)²·3` bytes per tile, padding
 *   already cropped. A frame with many tiles streams partial results, each carrying a batch of
 *   tiles; the terminal result carries the rest.
 */

/** The service's tensor schema (installed in the transport's registry). */
export const UPSCALE_SCHEMA: SchemaDescriptorHeader = Object.freeze({
  schemaId: 0x0002_0001,
  schemaVersion: 1,
  profileId: ProfileId.Tensor,
  schemaFlags: 0,
  minVersionMajor: 1,
  maxVersionMajor: 1,
  bodyBytes: 0,
  dependencyCount: 0,
  defaultStreamSemantics: 0,
  // ASCII "nnrpesr1", a stable digest of this contract's version.
  schemaHash: 0x6e6e_7270_6573_7231n,
});

/** Context pixels around every tile. */
export const TILE_PADDING = 8;
/** Role id of the RGB section. */
export const RGB_SECTION_ROLE = 1;
/** Scales the service offers, by `route_id`. */
export const SCALE_ROUTES: Readonly<Record<number, string>> = { 2: 'esrgan-x2', 4: 'esrgan-x4' };

/** Elements of one padded tile. */
export function paddedTileElements(tileSize: number): number {
  const side = tileSize + 2 * TILE_PADDING;
  return side * side * RGB_CHANNELS;
}

/** Elements of one upscaled tile (padding cropped). */
export function upscaledTileElements(tileSize: number, scale: number): number {
  const side = tileSize * scale;
  return side * side * RGB_CHANNELS;
}

/** One upscale request: which tiles, and their padded RGB bytes. */
export interface UpscaleRequest {
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly tileSize: number;
  readonly tileIds: readonly number[];
  readonly paddedTiles: readonly Uint8Array[];
}

/** FRAME_SUBMIT metadata fields and body of a request. */
export function encodeUpscaleSubmit(request: UpscaleRequest): {
  metadata: Partial<FrameSubmitMetadata>;
  body: Buffer;
} {
  const built = buildTensorSubmitBody({
    layout: 'legacy',
    tileIds: request.tileIds,
    tileIndexMode: TileIndexMode.RawU16,
    sections: [rgbSection(paddedTileElements(request.tileSize), request.paddedTiles)],
  });
  return {
    metadata: {
      srcWidth: request.imageWidth,
      srcHeight: request.imageHeight,
      tileWidth: request.tileSize,
      tileHeight: request.tileSize,
      tileCount: built.tileCount,
      sectionCount: built.sectionCount,
      tileIndexMode: built.tileIndexMode,
      tileBaseId: built.tileBaseId,
      tileIndexBytes: built.tileIndexBytes,
      cameraBytes: built.cameraBytes,
      submitMode: built.submitMode,
      objectRefMask: built.objectRefMask,
      payloadKindBitmap: PayloadKind.Tensor,
      payloadFrameCount: 0,
    },
    body: built.body,
  };
}

/** RESULT_PUSH fields and body for upscaled tiles, in the layout of the submit. */
export function encodeUpscaleResult(
  layout: TensorBodyLayout,
  tileIds: readonly number[],
  upscaledTiles: readonly Uint8Array[],
  tileSize: number,
  scale: number,
): {
  body: Buffer;
  tileCount: number;
  sectionCount: number;
  tileIndexBytes: number;
  tileBaseId: number;
  payloadKindBitmap: number;
} {
  const built = buildTensorResultBody({
    layout,
    tileIds,
    tileIndexMode: TileIndexMode.RawU16,
    sections: [rgbSection(upscaledTileElements(tileSize, scale), upscaledTiles)],
  });
  return {
    body: built.body,
    tileCount: built.tileCount,
    sectionCount: built.sectionCount,
    tileIndexBytes: built.tileIndexBytes,
    tileBaseId: built.tileBaseId,
    payloadKindBitmap: built.payloadKindBitmap,
  };
}

function rgbSection(elements: number, tilePayloads: readonly Uint8Array[]) {
  return {
    roleId: RGB_SECTION_ROLE,
    codecId: 0,
    dtypeId: TensorDtype.Uint8,
    layoutId: TensorLayout.Nhwc,
    scalePolicy: TensorScalePolicy.None,
    elementCountPerTile: elements,
    payloadStrideBytes: elements,
    tilePayloads,
  };
}
