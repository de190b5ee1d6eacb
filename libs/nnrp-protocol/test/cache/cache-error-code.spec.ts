import { CACHE_ERROR_CODE_NAMES, CacheErrorCode } from '../../src/messages/cache';
import { loadConformanceVectors } from '../vectors/vector-file';

const PREFIX = 'preview3.value.cache_error_code.';

describe('CacheErrorCode (data-plane.md §8.5)', () => {
  it('has the reference values', () => {
    expect(CacheErrorCode.None).toBe(0x00030000);
    expect(CacheErrorCode.CacheMiss).toBe(0x00030001);
    expect(CacheErrorCode.LeaseExpired).toBe(0x00030002);
    expect(CacheErrorCode.VersionMismatch).toBe(0x00030003);
    expect(CacheErrorCode.DependencyInvalid).toBe(0x00030004);
    expect(CacheErrorCode.SchemaMismatch).toBe(0x00030005);
  });

  it('matches every cache_error_code vector by name and value', () => {
    const vectors = loadConformanceVectors().filter((v) => v.name.startsWith(PREFIX));
    expect(vectors.map((v) => v.name.slice(PREFIX.length)).sort()).toEqual(
      Object.keys(CACHE_ERROR_CODE_NAMES).sort(),
    );
    for (const vector of vectors) {
      const code = CACHE_ERROR_CODE_NAMES[vector.name.slice(PREFIX.length)];
      expect(Buffer.from(vector.hex, 'hex').readUInt32LE(0)).toBe(code);
      expect(vector.fields.value).toBe(code);
    }
  });
});
