import fc from 'fast-check';
import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  decodeSchemaDescriptorHeader,
  encodeSchemaDescriptorHeader,
  SCHEMA_DESCRIPTOR_HEADER_LEN,
  SCHEMA_FLAGS_MASK,
  SchemaDescriptorHeader,
  SchemaDescriptorOffset,
  SchemaFlag,
  TOKEN_DELTA_SCHEMA_DESCRIPTOR,
  TOKEN_DELTA_SCHEMA_HASH,
} from '../../src/schema';
import {
  checkCodecProperties,
  expectProtocolError,
  hex,
  itChecksRulesInOrder,
  u64,
  uint,
} from '../data/protocol-test-helpers';

// data-plane.md §9.2: the standard token-delta descriptor.
const TOKEN_DELTA_GOLDEN = hex('011000000300000002000000010100000000000000000200336b6f7470726e6e');
// The reference's own descriptor test: all four flags, a body and two dependencies.
const FLAGGED_GOLDEN = hex('011000000300000002000f000101000040000000020002008877665544332211');
const FLAGGED: SchemaDescriptorHeader = {
  schemaId: 0x1001,
  schemaVersion: 3,
  profileId: 2,
  schemaFlags:
    SchemaFlag.Cacheable | SchemaFlag.Critical | SchemaFlag.DefaultBindable | SchemaFlag.HashStable,
  minVersionMajor: 1,
  maxVersionMajor: 1,
  bodyBytes: 64,
  dependencyCount: 2,
  defaultStreamSemantics: 2,
  schemaHash: 0x1122334455667788n,
};

const descriptorArb: fc.Arbitrary<SchemaDescriptorHeader> = fc.record({
  schemaId: uint(32),
  schemaVersion: uint(32),
  profileId: uint(16),
  schemaFlags: fc.integer({ min: 0, max: SCHEMA_FLAGS_MASK }),
  minVersionMajor: uint(8),
  maxVersionMajor: uint(8),
  bodyBytes: uint(32),
  dependencyCount: uint(16),
  defaultStreamSemantics: uint(16),
  schemaHash: u64,
});

describe('schema descriptor header (data-plane.md §9.1)', () => {
  it('encodes the standard token-delta descriptor to the §9.2 golden bytes', () => {
    expect(
      encodeSchemaDescriptorHeader(TOKEN_DELTA_SCHEMA_DESCRIPTOR).equals(TOKEN_DELTA_GOLDEN),
    ).toBe(true);
    expect(decodeSchemaDescriptorHeader(TOKEN_DELTA_GOLDEN)).toEqual(TOKEN_DELTA_SCHEMA_DESCRIPTOR);
    expect(TOKEN_DELTA_GOLDEN.subarray(SchemaDescriptorOffset.schemaHash).toString('latin1')).toBe(
      '3kotprnn',
    );
    expect(TOKEN_DELTA_SCHEMA_HASH).toBe(BigInt('0x' + Buffer.from('nnrptok3').toString('hex')));
    expect(Object.isFrozen(TOKEN_DELTA_SCHEMA_DESCRIPTOR)).toBe(true);
  });

  it('round-trips the flagged golden, including a u64 hash', () => {
    expect(decodeSchemaDescriptorHeader(FLAGGED_GOLDEN)).toEqual(FLAGGED);
    expect(encodeSchemaDescriptorHeader(FLAGGED).equals(FLAGGED_GOLDEN)).toBe(true);
    const big = { ...FLAGGED, schemaHash: 0xffffffffffffffffn };
    expect(decodeSchemaDescriptorHeader(encodeSchemaDescriptorHeader(big))).toEqual(big);
  });

  it('does not check profile_id when decoding (the registry does)', () => {
    const bytes = encodeSchemaDescriptorHeader({ ...FLAGGED, profileId: 0xffff });
    expect(decodeSchemaDescriptorHeader(bytes).profileId).toBe(0xffff);
  });

  describe('parse order: length, reserved0, schema_flags mask', () => {
    it('rejects 31 bytes', () => {
      expectProtocolError(
        () => decodeSchemaDescriptorHeader(Buffer.alloc(SCHEMA_DESCRIPTOR_HEADER_LEN - 1)),
        NnrpErrorKind.TooShort,
        'schema_descriptor',
      );
    });
    itChecksRulesInOrder(decodeSchemaDescriptorHeader, SCHEMA_DESCRIPTOR_HEADER_LEN, [
      {
        name: 'reserved0',
        kind: NnrpErrorKind.NonZeroReservedField,
        field: 'schema_descriptor.reserved0',
        edit: (b) => (b[SchemaDescriptorOffset.reserved0 + 1] = 1),
      },
      {
        name: 'schema_flags mask',
        kind: NnrpErrorKind.ReservedBitsSet,
        field: 'schema_descriptor.schema_flags',
        edit: (b) => b.writeUInt16LE(0x0010, SchemaDescriptorOffset.schemaFlags),
      },
    ]);
    it('the encoder refuses unknown flags', () => {
      expectProtocolError(
        () => encodeSchemaDescriptorHeader({ ...FLAGGED, schemaFlags: 0x8000 }),
        NnrpErrorKind.ReservedBitsSet,
        'schema_descriptor.schema_flags',
      );
    });
  });

  it('round-trips random descriptors and survives fuzzed bytes', () => {
    checkCodecProperties(
      descriptorArb,
      encodeSchemaDescriptorHeader,
      decodeSchemaDescriptorHeader,
      SCHEMA_DESCRIPTOR_HEADER_LEN,
    );
  });
});
