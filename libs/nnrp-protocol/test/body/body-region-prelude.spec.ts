import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  BODY_REGION_PRELUDE_LEN,
  type BodyRegionPrelude,
  decodeBodyRegionPrelude,
  encodeBodyRegionPrelude,
  splitBodyRegions,
  totalRegionBytes,
} from '../../src/body';
import { expectProtocolError, isViewInto } from './body-test-helpers';

const PRELUDE: BodyRegionPrelude = {
  inlineObjectBytes: 1,
  objectReferenceBytes: 16,
  typedPayloadDescriptorBytes: 24,
  typedPayloadFrameBytes: 2,
  extensionDescriptorBytes: 16,
  extensionPayloadBytes: 3,
};

function bodyWith(prelude: BodyRegionPrelude, extra = 0): Buffer {
  const regions = Buffer.alloc(totalRegionBytes(prelude) + extra);
  for (let i = 0; i < regions.length; i += 1) {
    regions[i] = i + 1;
  }
  return Buffer.concat([encodeBodyRegionPrelude(prelude), regions]);
}

describe('BodyRegionPrelude (§2.7)', () => {
  it('round-trips the six lengths in wire order', () => {
    const bytes = encodeBodyRegionPrelude(PRELUDE);
    expect(bytes.length).toBe(BODY_REGION_PRELUDE_LEN);
    expect(bytes.toString('hex')).toBe(
      '01000000' + '10000000' + '18000000' + '02000000' + '10000000' + '03000000' + '00'.repeat(8),
    );
    expect(decodeBodyRegionPrelude(bytes)).toEqual(PRELUDE);
  });

  it('refuses a short source, body_flags and reserved, in that order', () => {
    expectProtocolError(() => decodeBodyRegionPrelude(Buffer.alloc(31)), NnrpErrorKind.TooShort);
    const bytes = encodeBodyRegionPrelude(PRELUDE);
    bytes.writeUInt32LE(1, 24);
    bytes.writeUInt32LE(1, 28);
    expectProtocolError(
      () => decodeBodyRegionPrelude(bytes),
      NnrpErrorKind.NonZeroReservedField,
      'body_region_prelude.body_flags',
    );
    bytes.writeUInt32LE(0, 24);
    expectProtocolError(
      () => decodeBodyRegionPrelude(bytes),
      NnrpErrorKind.NonZeroReservedField,
      'body_region_prelude.reserved',
    );
  });

  it('refuses object_reference_bytes that is not a multiple of 16, on both sides', () => {
    const bad = { ...PRELUDE, objectReferenceBytes: 8 };
    expectProtocolError(
      () => encodeBodyRegionPrelude(bad),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    const bytes = encodeBodyRegionPrelude(PRELUDE);
    bytes.writeUInt32LE(8, 4);
    expectProtocolError(
      () => decodeBodyRegionPrelude(bytes),
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });

  it('sums the lengths as a checked u32', () => {
    expect(totalRegionBytes(PRELUDE)).toBe(62);
    expectProtocolError(
      () => totalRegionBytes({ ...PRELUDE, inlineObjectBytes: 0xffff_ffff }),
      NnrpErrorKind.LengthOverflow,
    );
  });

  it('splits a body into six zero-copy regions', () => {
    const body = bodyWith(PRELUDE);
    const regions = splitBodyRegions(body);
    expect(regions.prelude).toEqual(PRELUDE);
    expect([
      regions.inlineObjects.length,
      regions.objectReferences.length,
      regions.typedPayloadDescriptors.length,
      regions.typedPayloadFrames.length,
      regions.extensionDescriptors.length,
      regions.extensionPayloads.length,
    ]).toEqual([1, 16, 24, 2, 16, 3]);
    expect(regions.inlineObjects[0]).toBe(1);
    expect(regions.objectReferences[0]).toBe(2);
    expect(regions.extensionPayloads[2]).toBe(62);
    expect(isViewInto(regions.typedPayloadFrames, body)).toBe(true);
    expect(regions.typedPayloadFrames.byteOffset).toBe(body.byteOffset + 32 + 1 + 16 + 24);
  });

  it('requires 32 + Σ lengths == body length exactly', () => {
    expectProtocolError(() => splitBodyRegions(bodyWith(PRELUDE, 1)), NnrpErrorKind.LengthMismatch);
    expectProtocolError(
      () => splitBodyRegions(bodyWith(PRELUDE).subarray(0, 90)),
      NnrpErrorKind.LengthMismatch,
    );
  });

  it('refuses a lying overflowing prelude without allocating', () => {
    const bytes = encodeBodyRegionPrelude({ ...PRELUDE, extensionPayloadBytes: 0xffff_fff0 });
    expectProtocolError(() => splitBodyRegions(bytes), NnrpErrorKind.LengthOverflow);
  });

  it('requires extension descriptors in 16-byte units (Python convention)', () => {
    const body = bodyWith({ ...PRELUDE, extensionDescriptorBytes: 15 });
    expectProtocolError(() => splitBodyRegions(body), NnrpErrorKind.InvalidProtocolCombination);
  });
});
