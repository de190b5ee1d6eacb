import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  decodeInlineObjectHeader,
  INLINE_OBJECT_HEADER_LEN,
  inlineObjectBlockLength,
  InlineObjectKind,
  walkInlineObjects,
  writeInlineObjectHeader,
} from '../../src/body';
import { expectProtocolError, isViewInto } from './body-test-helpers';

function block(objectKind: number, payload: Buffer, profileId = 1): Buffer {
  const out = Buffer.alloc(inlineObjectBlockLength(payload.length));
  writeInlineObjectHeader({ objectKind, profileId, objectBytes: payload.length }, out, 0);
  payload.copy(out, INLINE_OBJECT_HEADER_LEN);
  return out;
}

describe('InlineObjectBlock (§2.10)', () => {
  it('pads every block to a multiple of 8', () => {
    expect([0, 1, 7, 8, 9].map(inlineObjectBlockLength)).toEqual([16, 24, 24, 24, 32]);
  });

  it('writes and decodes a header', () => {
    const bytes = block(InlineObjectKind.TileIndexBlock, Buffer.from([1, 2, 3]));
    expect(bytes.subarray(0, 16).toString('hex')).toBe('0200000001000000030000000000' + '0000');
    expect(decodeInlineObjectHeader(bytes)).toEqual({
      objectKind: 2,
      profileId: 1,
      objectBytes: 3,
    });
  });

  it.each([
    [2, 'inline_object.object_flags'],
    [6, 'inline_object.reserved0'],
    [12, 'inline_object.reserved1'],
  ])('refuses a non-zero reserved field at %i', (offset, field) => {
    const bytes = block(InlineObjectKind.CameraBlock, Buffer.alloc(0));
    bytes[offset] = 1;
    expectProtocolError(
      () => decodeInlineObjectHeader(bytes),
      NnrpErrorKind.NonZeroReservedField,
      field,
    );
  });

  it('refuses kind 0 and kinds ≥ 10', () => {
    for (const kind of [0, 10]) {
      const bytes = block(InlineObjectKind.CameraBlock, Buffer.alloc(0));
      bytes.writeUInt16LE(kind, 0);
      expectProtocolError(
        () => decodeInlineObjectHeader(bytes),
        NnrpErrorKind.UnknownEnumValue,
        'cache_object_kind',
      );
    }
  });

  it('walks back-to-back blocks with zero-copy payloads', () => {
    const region = Buffer.concat([
      block(InlineObjectKind.CameraBlock, Buffer.from('camera')),
      block(InlineObjectKind.TileIndexBlock, Buffer.alloc(0)),
      block(InlineObjectKind.TensorSectionTable, Buffer.from('12345678')),
    ]);
    const objects = walkInlineObjects(region);
    expect(objects.map((o) => [o.objectKind, o.payload.toString()])).toEqual([
      [1, 'camera'],
      [2, ''],
      [3, '12345678'],
    ]);
    expect(objects.every((o) => isViewInto(o.payload, region))).toBe(true);
    expect(walkInlineObjects(Buffer.alloc(0))).toEqual([]);
  });

  it('refuses non-zero padding, truncated payloads, truncated padding and stray bytes', () => {
    const good = block(InlineObjectKind.CameraBlock, Buffer.from('abc'));
    const dirty = Buffer.from(good);
    dirty[good.length - 1] = 1;
    expectProtocolError(
      () => walkInlineObjects(dirty),
      NnrpErrorKind.NonZeroReservedField,
      'inline_object.padding',
    );
    const lying = Buffer.from(good);
    lying.writeUInt32LE(0xffff_ffff, 8);
    expectProtocolError(
      () => walkInlineObjects(lying),
      NnrpErrorKind.TooShort,
      'inline_object.object_bytes',
    );
    expectProtocolError(
      () => walkInlineObjects(good.subarray(0, 20)),
      NnrpErrorKind.TooShort,
      'inline_object.padding',
    );
    expectProtocolError(
      () => walkInlineObjects(Buffer.concat([good, Buffer.alloc(8)])),
      NnrpErrorKind.TooShort,
    );
  });
});
