import fc from 'fast-check';
import {
  cacheObjectIdKey,
  CacheInvalidateMetadata,
  CacheInvalidateScope,
  CacheObjectId,
  CacheObjectKind,
  matchesInvalidate,
} from '../../src/messages/cache';
import { uint } from '../data/protocol-test-helpers';

const OBJECT: CacheObjectId = {
  cacheNamespace: 1,
  cacheKeyHi: 0x0102,
  cacheKeyLo: 0x0304,
  objectKind: CacheObjectKind.TileIndexBlock,
};

const invalidate = (
  invalidateScope: CacheInvalidateScope,
  cacheNamespace: number,
  cacheKeyHi = 0,
  cacheKeyLo = 0,
): CacheInvalidateMetadata => ({
  invalidateScope,
  cacheNamespace,
  cacheKeyHi,
  cacheKeyLo,
  reasonCode: 0,
});

describe('matchesInvalidate (data-plane.md §8.4)', () => {
  it('whole_session hits every object, whatever the other fields', () => {
    expect(matchesInvalidate(OBJECT, invalidate(CacheInvalidateScope.WholeSession, 99, 1, 2))).toBe(
      true,
    );
  });

  it('namespace hits the same namespace only', () => {
    expect(matchesInvalidate(OBJECT, invalidate(CacheInvalidateScope.Namespace, 1, 7, 7))).toBe(
      true,
    );
    expect(matchesInvalidate(OBJECT, invalidate(CacheInvalidateScope.Namespace, 2))).toBe(false);
  });

  it('object_kind compares the kind with cache_key_hi, in the same namespace', () => {
    const kind = CacheObjectKind.TileIndexBlock;
    expect(matchesInvalidate(OBJECT, invalidate(CacheInvalidateScope.ObjectKind, 1, kind))).toBe(
      true,
    );
    expect(matchesInvalidate(OBJECT, invalidate(CacheInvalidateScope.ObjectKind, 2, kind))).toBe(
      false,
    );
    expect(
      matchesInvalidate(
        OBJECT,
        invalidate(CacheInvalidateScope.ObjectKind, 1, CacheObjectKind.CameraBlock),
      ),
    ).toBe(false);
    // The key words of the object play no part in an object_kind invalidate.
    expect(
      matchesInvalidate(OBJECT, invalidate(CacheInvalidateScope.ObjectKind, 1, kind, 0xffff)),
    ).toBe(true);
  });

  it('object_key compares namespace and key but not the kind', () => {
    const hit = invalidate(CacheInvalidateScope.ObjectKey, 1, 0x0102, 0x0304);
    expect(matchesInvalidate(OBJECT, hit)).toBe(true);
    expect(matchesInvalidate({ ...OBJECT, objectKind: CacheObjectKind.ToolSchema }, hit)).toBe(
      true,
    );
    expect(matchesInvalidate(OBJECT, { ...hit, cacheKeyLo: 0x0305 })).toBe(false);
    expect(matchesInvalidate(OBJECT, { ...hit, cacheKeyHi: 0x0103 })).toBe(false);
    expect(matchesInvalidate(OBJECT, { ...hit, cacheNamespace: 0 })).toBe(false);
  });

  it('an unchecked scope value hits nothing', () => {
    expect(matchesInvalidate(OBJECT, invalidate(9 as CacheInvalidateScope, 1))).toBe(false);
  });
});

describe('cacheObjectIdKey', () => {
  it('is equal exactly when the ids are equal (kind included)', () => {
    const id = fc.record({
      cacheNamespace: uint(32),
      cacheKeyHi: uint(32),
      cacheKeyLo: uint(32),
      objectKind: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(
      fc.property(id, id, (a, b) => {
        const same =
          a.cacheNamespace === b.cacheNamespace &&
          a.cacheKeyHi === b.cacheKeyHi &&
          a.cacheKeyLo === b.cacheKeyLo &&
          a.objectKind === b.objectKind;
        expect(cacheObjectIdKey(a) === cacheObjectIdKey(b)).toBe(same);
        expect(cacheObjectIdKey(a)).toBe(cacheObjectIdKey({ ...a }));
      }),
    );
    expect(cacheObjectIdKey(OBJECT)).not.toBe(
      cacheObjectIdKey({ ...OBJECT, objectKind: CacheObjectKind.CameraBlock }),
    );
  });
});
