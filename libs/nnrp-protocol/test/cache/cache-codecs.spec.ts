import fc from 'fast-check';
import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  CACHE_ACK_METADATA_LEN,
  CACHE_INVALIDATE_METADATA_LEN,
  CACHE_PUT_METADATA_LEN,
  CacheAckMetadata,
  CacheAckOffset,
  CacheAckStatus,
  CacheInvalidateMetadata,
  CacheInvalidateOffset,
  CacheInvalidateScope,
  CacheObjectKind,
  CachePutFlag,
  CachePutMetadata,
  CachePutOffset,
  decodeCacheAck,
  decodeCacheInvalidate,
  decodeCachePut,
  encodeCacheAck,
  encodeCacheInvalidate,
  encodeCachePut,
} from '../../src/messages/cache';
import {
  checkCodecProperties,
  expectProtocolError,
  hex,
  itChecksRulesInOrder,
  uint,
  zeroBlock,
} from '../data/protocol-test-helpers';

// Goldens of data-plane.md §8.2–8.4 (the reference's Python-compatible cache vectors).
const PUT_GOLDEN = hex('01000000040302010807060501000000983a0000000800000300000003000000');
const PUT_FIELDS: CachePutMetadata = {
  cacheNamespace: 1,
  cacheKeyHi: 0x01020304,
  cacheKeyLo: 0x05060708,
  objectKind: CacheObjectKind.CameraBlock,
  ttlMs: 15000,
  objectBytes: 2048,
  codecBitmap: 3,
  flags: CachePutFlag.Pinned | CachePutFlag.Reusable,
};
const ACK_GOLDEN = hex('01000000040302010807060500000000983a00000020000000000000');
const ACK_FIELDS: CacheAckMetadata = {
  cacheNamespace: 1,
  cacheKeyHi: 0x01020304,
  cacheKeyLo: 0x05060708,
  status: CacheAckStatus.Accepted,
  acceptedTtlMs: 15000,
  maxObjectBytes: 8192,
  detailCode: 0,
};
const INVALIDATE_GOLDEN = hex('0000000001000000040302010807060502000000');
const INVALIDATE_FIELDS: CacheInvalidateMetadata = {
  invalidateScope: CacheInvalidateScope.WholeSession,
  cacheNamespace: 1,
  cacheKeyHi: 0x01020304,
  cacheKeyLo: 0x05060708,
  reasonCode: 2,
};

const kindArb = fc.integer({
  min: CacheObjectKind.CameraBlock,
  max: CacheObjectKind.StructuredEventSchema,
});
const putArb: fc.Arbitrary<CachePutMetadata> = fc.record({
  cacheNamespace: uint(32),
  cacheKeyHi: uint(32),
  cacheKeyLo: uint(32),
  objectKind: kindArb,
  ttlMs: uint(32),
  objectBytes: uint(32),
  codecBitmap: uint(32),
  flags: fc.integer({ min: 0, max: 3 }),
});
const ackArb: fc.Arbitrary<CacheAckMetadata> = fc.record({
  cacheNamespace: uint(32),
  cacheKeyHi: uint(32),
  cacheKeyLo: uint(32),
  status: fc.constantFrom(
    CacheAckStatus.Accepted,
    CacheAckStatus.Rejected,
    CacheAckStatus.Replaced,
  ),
  acceptedTtlMs: uint(32),
  maxObjectBytes: uint(32),
  detailCode: uint(32),
});
const invalidateArb: fc.Arbitrary<CacheInvalidateMetadata> = fc.record({
  invalidateScope: fc.integer({ min: 0, max: 3 }),
  cacheNamespace: uint(32),
  cacheKeyHi: uint(32),
  cacheKeyLo: uint(32),
  reasonCode: uint(32),
});

describe('CACHE_PUT (data-plane.md §8.2)', () => {
  it('decodes and re-encodes the golden', () => {
    expect(decodeCachePut(PUT_GOLDEN)).toEqual(PUT_FIELDS);
    expect(encodeCachePut(PUT_FIELDS).equals(PUT_GOLDEN)).toBe(true);
  });

  it('accepts every object kind 1..9 and rejects 0 and 10', () => {
    for (let kind = 1; kind <= 9; kind += 1) {
      expect(decodeCachePut(encodeCachePut({ ...PUT_FIELDS, objectKind: kind })).objectKind).toBe(
        kind,
      );
    }
    for (const kind of [0, 10, 0xffffffff]) {
      const bytes = zeroBlock(CACHE_PUT_METADATA_LEN, (b) =>
        b.writeUInt32LE(kind, CachePutOffset.objectKind),
      );
      expectProtocolError(
        () => decodeCachePut(bytes),
        NnrpErrorKind.UnknownEnumValue,
        'cache_object_kind',
      );
      expectProtocolError(
        () => encodeCachePut({ ...PUT_FIELDS, objectKind: kind }),
        NnrpErrorKind.UnknownEnumValue,
        'cache_object_kind',
      );
    }
  });

  describe('parse order: length, flags mask, object kind', () => {
    itChecksRulesInOrder(decodeCachePut, CACHE_PUT_METADATA_LEN, [
      {
        name: 'flags mask',
        kind: NnrpErrorKind.ReservedBitsSet,
        field: 'cache_put.flags',
        edit: (b) => b.writeUInt32LE(0x4, CachePutOffset.flags),
      },
      {
        name: 'object kind',
        kind: NnrpErrorKind.UnknownEnumValue,
        field: 'cache_object_kind',
        edit: (b) => b.writeUInt32LE(0, CachePutOffset.objectKind),
      },
    ]);
    it('rejects 31 bytes', () => {
      expectProtocolError(
        () => decodeCachePut(Buffer.alloc(31)),
        NnrpErrorKind.TooShort,
        'cache_put',
      );
    });
    it('the encoder refuses unknown flags', () => {
      expectProtocolError(
        () => encodeCachePut({ ...PUT_FIELDS, flags: 0x8 }),
        NnrpErrorKind.ReservedBitsSet,
        'cache_put.flags',
      );
    });
  });
});

describe('CACHE_ACK (data-plane.md §8.3)', () => {
  it('decodes and re-encodes the golden', () => {
    expect(decodeCacheAck(ACK_GOLDEN)).toEqual(ACK_FIELDS);
    expect(encodeCacheAck(ACK_FIELDS).equals(ACK_GOLDEN)).toBe(true);
  });

  it('rejects a short source, then an unknown status', () => {
    expectProtocolError(
      () => decodeCacheAck(Buffer.alloc(CACHE_ACK_METADATA_LEN - 1)),
      NnrpErrorKind.TooShort,
      'cache_ack',
    );
    const bytes = Buffer.from(ACK_GOLDEN);
    bytes.writeUInt32LE(3, CacheAckOffset.status);
    expectProtocolError(
      () => decodeCacheAck(bytes),
      NnrpErrorKind.UnknownEnumValue,
      'cache_ack_status',
    );
    expectProtocolError(
      () => encodeCacheAck({ ...ACK_FIELDS, status: 3 as CacheAckStatus }),
      NnrpErrorKind.UnknownEnumValue,
      'cache_ack_status',
    );
  });

  it('passes detail_code through untouched', () => {
    const m = { ...ACK_FIELDS, status: CacheAckStatus.Rejected, detailCode: 0xdeadbeef };
    expect(decodeCacheAck(encodeCacheAck(m))).toEqual(m);
  });
});

describe('CACHE_INVALIDATE (data-plane.md §8.4)', () => {
  it('decodes and re-encodes the golden', () => {
    expect(decodeCacheInvalidate(INVALIDATE_GOLDEN)).toEqual(INVALIDATE_FIELDS);
    expect(encodeCacheInvalidate(INVALIDATE_FIELDS).equals(INVALIDATE_GOLDEN)).toBe(true);
  });

  it('rejects a short source, then an unknown scope', () => {
    expectProtocolError(
      () => decodeCacheInvalidate(Buffer.alloc(CACHE_INVALIDATE_METADATA_LEN - 1)),
      NnrpErrorKind.TooShort,
      'cache_invalidate',
    );
    const bytes = Buffer.from(INVALIDATE_GOLDEN);
    bytes.writeUInt32LE(4, CacheInvalidateOffset.invalidateScope);
    expectProtocolError(
      () => decodeCacheInvalidate(bytes),
      NnrpErrorKind.UnknownEnumValue,
      'cache_invalidate_scope',
    );
    expectProtocolError(
      () =>
        encodeCacheInvalidate({ ...INVALIDATE_FIELDS, invalidateScope: 4 as CacheInvalidateScope }),
      NnrpErrorKind.UnknownEnumValue,
      'cache_invalidate_scope',
    );
  });
});

describe('cache codec properties', () => {
  it('CACHE_PUT: round trip and fuzzed decode', () => {
    checkCodecProperties(putArb, encodeCachePut, decodeCachePut, CACHE_PUT_METADATA_LEN);
  });
  it('CACHE_ACK: round trip and fuzzed decode', () => {
    checkCodecProperties(ackArb, encodeCacheAck, decodeCacheAck, CACHE_ACK_METADATA_LEN);
  });
  it('CACHE_INVALIDATE: round trip and fuzzed decode', () => {
    checkCodecProperties(
      invalidateArb,
      encodeCacheInvalidate,
      decodeCacheInvalidate,
      CACHE_INVALIDATE_METADATA_LEN,
    );
  });
});
