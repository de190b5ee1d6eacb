import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  decodeObjectReferenceBlock,
  decodeObjectReferenceRegion,
  encodeObjectReferenceBlock,
  OBJECT_REFERENCE_BLOCK_LEN,
  type ObjectReferenceBlock,
  SubmitObjectSlot,
  submitSlotOfKind,
  validateSubmitMask,
  validateSubmitObjectRefMask,
} from '../../src/body';
import { expectProtocolError, SubmitModes } from './body-test-helpers';

const ref = (objectKind: number, cacheKeyLo = 7): ObjectReferenceBlock => ({
  objectKind,
  cacheNamespace: 1,
  cacheKeyHi: 0x01020304,
  cacheKeyLo,
});
const region = (...blocks: ObjectReferenceBlock[]): Buffer =>
  Buffer.concat(blocks.map(encodeObjectReferenceBlock));

describe('ObjectReferenceBlock (§2.8)', () => {
  it('encodes 16 bytes with a u16 kind and u32 keys', () => {
    const bytes = encodeObjectReferenceBlock(ref(2));
    expect(bytes.length).toBe(OBJECT_REFERENCE_BLOCK_LEN);
    expect(bytes.toString('hex')).toBe('0200' + '0000' + '01000000' + '04030201' + '07000000');
    expect(decodeObjectReferenceBlock(bytes)).toEqual(ref(2));
  });

  it('refuses ref_flags before the kind, unknown kinds and short sources', () => {
    const bytes = encodeObjectReferenceBlock(ref(1));
    bytes.writeUInt16LE(0, 0);
    bytes.writeUInt16LE(1, 2);
    expectProtocolError(
      () => decodeObjectReferenceBlock(bytes),
      NnrpErrorKind.NonZeroReservedField,
      'object_reference.ref_flags',
    );
    bytes.writeUInt16LE(0, 2);
    expectProtocolError(
      () => decodeObjectReferenceBlock(bytes),
      NnrpErrorKind.UnknownEnumValue,
      'cache_object_kind',
    );
    bytes.writeUInt16LE(10, 0);
    expectProtocolError(
      () => decodeObjectReferenceBlock(bytes),
      NnrpErrorKind.UnknownEnumValue,
      'cache_object_kind',
    );
    expectProtocolError(() => encodeObjectReferenceBlock(ref(0)), NnrpErrorKind.UnknownEnumValue);
    expectProtocolError(() => decodeObjectReferenceBlock(Buffer.alloc(15)), NnrpErrorKind.TooShort);
  });

  it('maps the standard kinds to slots', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(submitSlotOfKind)).toEqual([
      SubmitObjectSlot.CameraBlock,
      SubmitObjectSlot.TileIndexBlock,
      SubmitObjectSlot.TensorSectionTable,
      undefined,
      undefined,
      SubmitObjectSlot.PayloadLayoutTemplate,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('ObjectReferenceRegion.validateSubmitMask (§2.8 rules 1–5)', () => {
  it('accepts the empty region for inline submits and returns the blocks otherwise', () => {
    expect(validateSubmitMask(Buffer.alloc(0), SubmitModes.Inline, 0)).toEqual([]);
    const blocks = [ref(4), ref(1), ref(9), ref(2), ref(6)];
    expect(validateSubmitMask(region(...blocks), SubmitModes.Reference, 0b1011)).toEqual(blocks);
    expect(validateSubmitMask(region(ref(3)), SubmitModes.Mixed, 0b0100)).toEqual([ref(3)]);
  });

  it('rule 1: unknown mask bits', () => {
    expectProtocolError(
      () => validateSubmitObjectRefMask(SubmitModes.Reference, 0x10),
      NnrpErrorKind.ReservedBitsSet,
    );
  });

  it('rule 2: inline ⇔ mask 0', () => {
    expectProtocolError(
      () => validateSubmitMask(region(ref(1)), SubmitModes.Inline, 1),
      NnrpErrorKind.InvalidProtocolCombination,
      'inline FRAME_SUBMIT must not declare object_ref_mask',
    );
    expectProtocolError(
      () => validateSubmitMask(Buffer.alloc(0), SubmitModes.Mixed, 0),
      NnrpErrorKind.InvalidProtocolCombination,
      'reference or mixed FRAME_SUBMIT requires non-zero object_ref_mask',
    );
    expectProtocolError(
      () => validateSubmitObjectRefMask(3, 1),
      NnrpErrorKind.UnknownEnumValue,
      'submit_mode',
    );
  });

  it('rule 3: ascending, unique, each bit in the mask', () => {
    expectProtocolError(
      () => validateSubmitMask(region(ref(2), ref(1)), SubmitModes.Reference, 0b11),
      NnrpErrorKind.InvalidProtocolCombination,
      'object reference region standard slots must be sorted',
    );
    expectProtocolError(
      () => validateSubmitMask(region(ref(1, 1), ref(1, 2)), SubmitModes.Reference, 0b1),
      NnrpErrorKind.InvalidProtocolCombination,
      'object reference region must not duplicate standard slots',
    );
    expectProtocolError(
      () => validateSubmitMask(region(ref(1), ref(2)), SubmitModes.Reference, 0b1),
      NnrpErrorKind.InvalidProtocolCombination,
      'object reference block requires matching object_ref_mask bit',
    );
  });

  it('rule 4: the slots seen equal the mask', () => {
    expectProtocolError(
      () => validateSubmitMask(region(ref(1)), SubmitModes.Reference, 0b11),
      NnrpErrorKind.InvalidProtocolCombination,
      'object reference region must exactly match object_ref_mask',
    );
  });

  it('rule 5: the region is whole blocks (checked while decoding, as the reference does)', () => {
    expectProtocolError(
      () => decodeObjectReferenceRegion(Buffer.alloc(17)),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => validateSubmitMask(Buffer.alloc(8), SubmitModes.Inline, 0),
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });
});
