import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  decodeTypedPayloadDescriptor,
  encodeTypedPayloadDescriptor,
  TYPED_PAYLOAD_DESCRIPTOR_FLAGS_MASK,
  TYPED_PAYLOAD_DESCRIPTOR_LEN,
  type TypedPayloadDescriptor,
  TypedPayloadDescriptorFlag,
} from '../../src/body';
import { expectProtocolError, hex } from './body-test-helpers';

// §2.11 golden: token profile, offset 0, length 3, partial.
const GOLDEN = '020002000110000003000000020000000000000003000000';
const GOLDEN_FIELDS: TypedPayloadDescriptor = {
  profileId: 2,
  descriptorFlags: TypedPayloadDescriptorFlag.Partial,
  schemaId: 0x1001,
  schemaVersion: 3,
  streamSemantics: 2,
  offset: 0,
  length: 3,
};

describe('TypedPayloadDescriptor (§2.9)', () => {
  it('has the reference length and flag mask', () => {
    expect(TYPED_PAYLOAD_DESCRIPTOR_LEN).toBe(24);
    expect(TYPED_PAYLOAD_DESCRIPTOR_FLAGS_MASK).toBe(0x000f);
  });

  it('decodes and re-encodes the §2.11 golden', () => {
    expect(decodeTypedPayloadDescriptor(hex(GOLDEN))).toEqual(GOLDEN_FIELDS);
    expect(encodeTypedPayloadDescriptor(GOLDEN_FIELDS).toString('hex')).toBe(GOLDEN);
  });

  it('ignores trailing bytes like the reference parser', () => {
    expect(decodeTypedPayloadDescriptor(Buffer.concat([hex(GOLDEN), hex('ff')]))).toEqual(
      GOLDEN_FIELDS,
    );
  });

  it('accepts terminal and partial together (Rust does)', () => {
    const both = { ...GOLDEN_FIELDS, descriptorFlags: 0x3 };
    expect(decodeTypedPayloadDescriptor(encodeTypedPayloadDescriptor(both))).toEqual(both);
  });

  it('refuses a short source', () => {
    expectProtocolError(
      () => decodeTypedPayloadDescriptor(hex(GOLDEN).subarray(0, 23)),
      NnrpErrorKind.TooShort,
    );
  });

  it('refuses a non-zero reserved0 before looking at the flags', () => {
    const bytes = hex(GOLDEN);
    bytes.writeUInt16LE(1, 14);
    bytes.writeUInt16LE(0x10, 2);
    expectProtocolError(
      () => decodeTypedPayloadDescriptor(bytes),
      NnrpErrorKind.NonZeroReservedField,
      'typed_payload_descriptor.reserved0',
    );
  });

  it('refuses flags outside the mask on both sides', () => {
    const bytes = hex(GOLDEN);
    bytes.writeUInt16LE(0x10, 2);
    expectProtocolError(() => decodeTypedPayloadDescriptor(bytes), NnrpErrorKind.ReservedBitsSet);
    expectProtocolError(
      () => encodeTypedPayloadDescriptor({ ...GOLDEN_FIELDS, descriptorFlags: 0x10 }),
      NnrpErrorKind.ReservedBitsSet,
    );
  });
});
