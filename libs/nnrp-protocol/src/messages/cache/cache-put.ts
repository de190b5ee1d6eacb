import { requireLength, requireMask } from '../../metadata/field-checks';
import { CacheObjectKind, requireCacheObjectKind } from './cache-object-kind';

/** Fixed metadata length of CACHE_PUT (data-plane.md §8.2). */
export const CACHE_PUT_METADATA_LEN = 32;

/** Byte offsets of CACHE_PUT metadata fields (data-plane.md §8.2). */
export const CachePutOffset = {
  cacheNamespace: 0,
  cacheKeyHi: 4,
  cacheKeyLo: 8,
  objectKind: 12,
  ttlMs: 16,
  objectBytes: 20,
  codecBitmap: 24,
  flags: 28,
} as const;

/** CACHE_PUT `flags` bits (u32; names from the Python SDK, data-plane.md §10.15). */
export enum CachePutFlag {
  Pinned = 0x1,
  Reusable = 0x2,
}
/** Every defined CACHE_PUT flag; any other bit is rejected (`ReservedBitsSet`). */
export const CACHE_PUT_FLAGS_MASK = 0x3;

/** CACHE_PUT (0x14) fixed metadata; the body carries the object bytes [convention]. */
export interface CachePutMetadata {
  cacheNamespace: number;
  cacheKeyHi: number;
  cacheKeyLo: number;
  objectKind: CacheObjectKind;
  /** Requested lease TTL. */
  ttlMs: number;
  /** Object length; [convention] equals `body_len`. */
  objectBytes: number;
  /** Permitted codecs. */
  codecBitmap: number;
  /** {@link CachePutFlag} bits, mask 0x3. */
  flags: number;
}

/** Decodes CACHE_PUT metadata in the reference order: length ≥ 32, flag mask, object kind. */
export function decodeCachePut(src: Buffer): CachePutMetadata {
  requireLength(src, CACHE_PUT_METADATA_LEN, 'cache_put');
  const metadata: CachePutMetadata = {
    cacheNamespace: src.readUInt32LE(CachePutOffset.cacheNamespace),
    cacheKeyHi: src.readUInt32LE(CachePutOffset.cacheKeyHi),
    cacheKeyLo: src.readUInt32LE(CachePutOffset.cacheKeyLo),
    objectKind: src.readUInt32LE(CachePutOffset.objectKind),
    ttlMs: src.readUInt32LE(CachePutOffset.ttlMs),
    objectBytes: src.readUInt32LE(CachePutOffset.objectBytes),
    codecBitmap: src.readUInt32LE(CachePutOffset.codecBitmap),
    flags: src.readUInt32LE(CachePutOffset.flags),
  };
  validateCachePutFields(metadata);
  return metadata;
}

/** Encodes CACHE_PUT metadata (32 bytes), refusing what the decoder refuses. */
export function encodeCachePut(m: CachePutMetadata): Buffer {
  validateCachePutFields(m);
  const out = Buffer.alloc(CACHE_PUT_METADATA_LEN);
  out.writeUInt32LE(m.cacheNamespace, CachePutOffset.cacheNamespace);
  out.writeUInt32LE(m.cacheKeyHi, CachePutOffset.cacheKeyHi);
  out.writeUInt32LE(m.cacheKeyLo, CachePutOffset.cacheKeyLo);
  out.writeUInt32LE(m.objectKind, CachePutOffset.objectKind);
  out.writeUInt32LE(m.ttlMs, CachePutOffset.ttlMs);
  out.writeUInt32LE(m.objectBytes, CachePutOffset.objectBytes);
  out.writeUInt32LE(m.codecBitmap, CachePutOffset.codecBitmap);
  out.writeUInt32LE(m.flags, CachePutOffset.flags);
  return out;
}

function validateCachePutFields(m: CachePutMetadata): void {
  requireMask(m.flags, CACHE_PUT_FLAGS_MASK, 'cache_put.flags');
  requireCacheObjectKind(m.objectKind);
}
