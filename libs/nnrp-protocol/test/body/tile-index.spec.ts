import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  decodeTileIndex,
  encodeTileIndex,
  isDenseRange,
  resultTileIndexMode,
  TILE_INDEX_BITSET_MAX_BYTES,
  tileIndexByteLength,
} from '../../src/body';
import { expectProtocolError, hex, isViewInto, TileModes } from './body-test-helpers';

const ids = (view: ArrayLike<number>): number[] => Array.from(view);

describe('tile index encodings (§2.10)', () => {
  it('dense_range: empty block, ids from tile_base_id', () => {
    expect(encodeTileIndex(TileModes.DenseRange, [40, 41, 42]).length).toBe(0);
    expect(ids(decodeTileIndex(TileModes.DenseRange, Buffer.alloc(0), 3, 40))).toEqual([
      40, 41, 42,
    ]);
    expectProtocolError(
      () => decodeTileIndex(TileModes.DenseRange, Buffer.alloc(2), 1, 0),
      NnrpErrorKind.LengthMismatch,
      'tile_index_bytes',
    );
    expectProtocolError(
      () => encodeTileIndex(TileModes.DenseRange, [1, 3]),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => tileIndexByteLength(TileModes.DenseRange, [1, 2], 0),
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });

  it('raw_u16: u16 LE per tile in any order, duplicates kept', () => {
    const block = encodeTileIndex(TileModes.RawU16, [513, 2, 2]);
    expect(block.toString('hex')).toBe('010202000200');
    expect(ids(decodeTileIndex(TileModes.RawU16, block, 3, 0))).toEqual([513, 2, 2]);
    expectProtocolError(
      () => decodeTileIndex(TileModes.RawU16, block, 4, 0),
      NnrpErrorKind.LengthMismatch,
    );
  });

  it('raw_u16: an aligned block decodes as a view into the body', () => {
    const body = Buffer.from(new ArrayBuffer(8), 2, 6);
    hex('0100 0200 0300').copy(body);
    const view = decodeTileIndex(TileModes.RawU16, body, 3, 0);
    expect(view).toBeInstanceOf(Uint16Array);
    expect(isViewInto(view as Uint16Array, body)).toBe(true);
    expect(ids(view)).toEqual([1, 2, 3]);
    const odd = Buffer.concat([Buffer.alloc(1), body]).subarray(1);
    expect(ids(decodeTileIndex(TileModes.RawU16, odd, 3, 0))).toEqual([1, 2, 3]);
  });

  it('delta_u16: first absolute then positive deltas', () => {
    const block = encodeTileIndex(TileModes.DeltaU16, [5, 6, 300]);
    expect(block.toString('hex')).toBe('050001002601');
    expect(ids(decodeTileIndex(TileModes.DeltaU16, block, 3, 0))).toEqual([5, 6, 300]);
    expectProtocolError(
      () => decodeTileIndex(TileModes.DeltaU16, hex('0500 0000'), 2, 0),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => decodeTileIndex(TileModes.DeltaU16, hex('ffff 0100'), 2, 0),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => encodeTileIndex(TileModes.DeltaU16, [5, 5]),
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });

  it('bitset: ⌊max/8⌋+1 bytes, LSB first, popcount = tile_count', () => {
    const block = encodeTileIndex(TileModes.Bitset, [0, 3, 9]);
    expect(block.toString('hex')).toBe('0902');
    expect(ids(decodeTileIndex(TileModes.Bitset, block, 3, 0))).toEqual([0, 3, 9]);
    expect(ids(decodeTileIndex(TileModes.Bitset, Buffer.alloc(0), 0, 0))).toEqual([]);
    expect(encodeTileIndex(TileModes.Bitset, [65535]).length).toBe(TILE_INDEX_BITSET_MAX_BYTES);
    expectProtocolError(
      () => decodeTileIndex(TileModes.Bitset, block, 2, 0),
      NnrpErrorKind.InvalidProtocolCombination,
      'bitset popcount must equal tile_count',
    );
    expectProtocolError(
      () => decodeTileIndex(TileModes.Bitset, hex('0900'), 2, 0),
      NnrpErrorKind.LengthMismatch,
    );
    const tooLong = Buffer.alloc(TILE_INDEX_BITSET_MAX_BYTES + 1);
    tooLong[tooLong.length - 1] = 1;
    expectProtocolError(
      () => decodeTileIndex(TileModes.Bitset, tooLong, 1, 0),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => encodeTileIndex(TileModes.Bitset, [3, 1]),
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });

  it('refuses unknown modes and non-u16 ids', () => {
    expectProtocolError(
      () => decodeTileIndex(4, Buffer.alloc(0), 0, 0),
      NnrpErrorKind.UnknownEnumValue,
      'tile_index_mode',
    );
    expectProtocolError(() => encodeTileIndex(4, []), NnrpErrorKind.UnknownEnumValue);
    expectProtocolError(
      () => encodeTileIndex(TileModes.RawU16, [65536]),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => encodeTileIndex(TileModes.RawU16, [1.5]),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => encodeTileIndex(TileModes.RawU16, new Array<number>(65536).fill(0)),
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });

  it('result tile index mode: raw_u16 when bytes > 0, else dense_range (§3.1)', () => {
    expect(resultTileIndexMode(0)).toBe(TileModes.DenseRange);
    expect(resultTileIndexMode(2)).toBe(TileModes.RawU16);
  });

  it('isDenseRange', () => {
    expect(isDenseRange([], 9)).toBe(true);
    expect(isDenseRange([9, 10], 9)).toBe(true);
    expect(isDenseRange(new Uint16Array([9, 11]), 9)).toBe(false);
  });
});
