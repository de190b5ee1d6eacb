import { endianness } from 'node:os';
import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import { requireEnum, requireRule } from '../metadata/field-checks';
import { requireExactLength, U16_MAX } from './body-bounds';
import { TileIndexMode } from '../messages/data/submit-vocabulary';

/**
 * Tile ids in payload order. `dense_range` gives a plain array; the other modes a Uint16Array
 * (for `raw_u16` a read-only view of the body's bytes when the host and alignment allow it).
 */
export type TileIds = readonly number[] | Uint16Array;

/** Bytes per tile id in `raw_u16` and `delta_u16` blocks (§2.10). */
export const TILE_ID_BYTES = 2;

const BITS_PER_BYTE = 8;
/** Longest bitset block: enough bytes for tile id 65535 (⌊65535/8⌋ + 1). */
export const TILE_INDEX_BITSET_MAX_BYTES = Math.floor(U16_MAX / BITS_PER_BYTE) + 1;

// A zero-copy Uint16Array over wire bytes is only right on a little-endian host.
const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

const DENSE_RULE = 'dense_range tile ids must be tile_base_id .. tile_base_id + tile_count - 1';
const DELTA_RULE = 'delta_u16 tile ids must be strictly increasing u16 values';
const BITSET_ORDER_RULE = 'bitset tile ids must be strictly ascending';
const BITSET_COUNT_RULE = 'bitset popcount must equal tile_count';

/**
 * The tile index mode of a RESULT_PUSH, which has no `tile_index_mode` field (§3.1): raw_u16
 * when `tile_index_bytes > 0`, else dense_range.
 */
export function resultTileIndexMode(tileIndexBytes: number): number {
  return tileIndexBytes > 0 ? TileIndexMode.RawU16 : TileIndexMode.DenseRange;
}

function requireTileIndexMode(mode: number): void {
  requireEnum(mode, TileIndexMode.DenseRange, TileIndexMode.Bitset, 'tile_index_mode');
}

function readRawIds(block: Buffer, tileCount: number): Uint16Array {
  if (HOST_IS_LITTLE_ENDIAN && block.byteOffset % TILE_ID_BYTES === 0) {
    return new Uint16Array(block.buffer, block.byteOffset, tileCount);
  }
  const ids = new Uint16Array(tileCount);
  for (let i = 0; i < tileCount; i += 1) {
    ids[i] = block.readUInt16LE(i * TILE_ID_BYTES);
  }
  return ids;
}

function readDeltaIds(block: Buffer, tileCount: number): Uint16Array {
  const ids = new Uint16Array(tileCount);
  let id = 0;
  for (let i = 0; i < tileCount; i += 1) {
    const value = block.readUInt16LE(i * TILE_ID_BYTES);
    if (i > 0) {
      requireRule(value > 0 && id + value <= U16_MAX, DELTA_RULE);
    }
    id = i === 0 ? value : id + value;
    ids[i] = id;
  }
  return ids;
}

function popcount(byte: number): number {
  let count = 0;
  for (let bits = byte; bits !== 0; bits &= bits - 1) {
    count += 1;
  }
  return count;
}

function readBitsetIds(block: Buffer, tileCount: number): Uint16Array {
  // The block is exactly ⌊max_id/8⌋ + 1 bytes: no trailing zero byte, and no id above u16.
  if (block.length > 0 && block[block.length - 1] === 0) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      'tile_index_bytes',
      'bitset tile index must end in the byte holding its largest id',
    );
  }
  requireRule(block.length <= TILE_INDEX_BITSET_MAX_BYTES, 'bitset tile ids must be u16 values');
  let count = 0;
  for (const byte of block) {
    count += popcount(byte);
  }
  requireRule(count === tileCount, BITSET_COUNT_RULE);
  const ids = new Uint16Array(tileCount);
  let next = 0;
  for (let byteIndex = 0; byteIndex < block.length; byteIndex += 1) {
    for (let bit = 0; bit < BITS_PER_BYTE; bit += 1) {
      if ((block[byteIndex] & (1 << bit)) !== 0) {
        ids[next] = byteIndex * BITS_PER_BYTE + bit;
        next += 1;
      }
    }
  }
  return ids;
}

/**
 * Decodes a tile-index block (§2.10 table). The block length must be exactly what the mode
 * implies for `tileCount` (`PacketLengthMismatch`); ordering rules are `InvalidProtocolCombination`.
 */
export function decodeTileIndex(
  mode: number,
  block: Buffer,
  tileCount: number,
  tileBaseId: number,
): TileIds {
  requireTileIndexMode(mode);
  switch (mode) {
    case TileIndexMode.DenseRange:
      requireExactLength(block.length, 0, 'tile_index_bytes');
      return Array.from({ length: tileCount }, (_, i) => tileBaseId + i);
    case TileIndexMode.RawU16:
      requireExactLength(block.length, tileCount * TILE_ID_BYTES, 'tile_index_bytes');
      return readRawIds(block, tileCount);
    case TileIndexMode.DeltaU16:
      requireExactLength(block.length, tileCount * TILE_ID_BYTES, 'tile_index_bytes');
      return readDeltaIds(block, tileCount);
    default:
      return readBitsetIds(block, tileCount);
  }
}

/** True when `tileIds` is exactly `tileBaseId, tileBaseId + 1, …` (encodable as dense_range). */
export function isDenseRange(tileIds: TileIds, tileBaseId: number): boolean {
  return tileIds.every((id, i) => id === tileBaseId + i);
}

// ⌊max_id/8⌋ + 1 bytes for ascending ids, none for an empty set (§2.10).
function bitsetByteLength(ascendingIds: TileIds): number {
  return ascendingIds.length === 0
    ? 0
    : Math.floor(ascendingIds[ascendingIds.length - 1] / BITS_PER_BYTE) + 1;
}

function isStrictlyAscending(tileIds: TileIds): boolean {
  return tileIds.every((id, i) => i === 0 || id > tileIds[i - 1]);
}

/**
 * Bytes the tile index of `tileIds` takes in `mode`, refusing ids the mode cannot carry: ids
 * must be u16, dense_range needs a consecutive run from `tileBaseId`, delta_u16 and bitset
 * strictly ascending ids.
 */
export function tileIndexByteLength(mode: number, tileIds: TileIds, tileBaseId: number): number {
  requireTileIndexMode(mode);
  requireRule(tileIds.length <= U16_MAX, 'tile_count must fit in a u16');
  requireRule(
    tileIds.every((id) => Number.isInteger(id) && id >= 0 && id <= U16_MAX),
    'tile ids must be u16 values',
  );
  switch (mode) {
    case TileIndexMode.DenseRange:
      requireRule(isDenseRange(tileIds, tileBaseId), DENSE_RULE);
      return 0;
    case TileIndexMode.RawU16:
      return tileIds.length * TILE_ID_BYTES;
    case TileIndexMode.DeltaU16:
      requireRule(isStrictlyAscending(tileIds), DELTA_RULE);
      return tileIds.length * TILE_ID_BYTES;
    default:
      requireRule(isStrictlyAscending(tileIds), BITSET_ORDER_RULE);
      return bitsetByteLength(tileIds);
  }
}

/** Writes the tile index (every byte of its range) at `at`; run {@link tileIndexByteLength} first. */
export function writeTileIndex(mode: number, tileIds: TileIds, target: Buffer, at: number): void {
  switch (mode) {
    case TileIndexMode.DenseRange:
      return;
    case TileIndexMode.RawU16:
    case TileIndexMode.DeltaU16:
      tileIds.forEach((id, i) => {
        const value = mode === TileIndexMode.DeltaU16 && i > 0 ? id - tileIds[i - 1] : id;
        target.writeUInt16LE(value, at + i * TILE_ID_BYTES);
      });
      return;
    default: {
      target.fill(0, at, at + bitsetByteLength(tileIds));
      for (const id of tileIds) {
        const byteAt = at + Math.floor(id / BITS_PER_BYTE);
        target[byteAt] |= 1 << (id % BITS_PER_BYTE);
      }
    }
  }
}

/** Encodes a tile-index block on its own (clients, tests and referenced tile indexes). */
export function encodeTileIndex(
  mode: number,
  tileIds: TileIds,
  tileBaseId = tileIds[0] ?? 0,
): Buffer {
  const out = Buffer.alloc(tileIndexByteLength(mode, tileIds, tileBaseId));
  writeTileIndex(mode, tileIds, out, 0);
  return out;
}
