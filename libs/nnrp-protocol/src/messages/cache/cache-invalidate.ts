import { requireEnum, requireLength } from '../../metadata/field-checks';

/** Fixed metadata length of CACHE_INVALIDATE (data-plane.md §8.4). */
export const CACHE_INVALIDATE_METADATA_LEN = 20;

/** Byte offsets of CACHE_INVALIDATE metadata fields (data-plane.md §8.4). */
export const CacheInvalidateOffset = {
  invalidateScope: 0,
  cacheNamespace: 4,
  cacheKeyHi: 8,
  cacheKeyLo: 12,
  reasonCode: 16,
} as const;

/** CACHE_INVALIDATE `invalidate_scope` (u32); see {@link matchesInvalidate}. */
export enum CacheInvalidateScope {
  WholeSession = 0,
  Namespace = 1,
  /** The object kind travels in `cache_key_hi`. */
  ObjectKind = 2,
  /** Namespace + key; the object kind is not compared. */
  ObjectKey = 3,
}

/** CACHE_INVALIDATE (0x16) fixed metadata; no body. */
export interface CacheInvalidateMetadata {
  invalidateScope: CacheInvalidateScope;
  cacheNamespace: number;
  /** The object kind when the scope is {@link CacheInvalidateScope.ObjectKind}. */
  cacheKeyHi: number;
  cacheKeyLo: number;
  /** Free-form; passed through as a number (decisions.md §6). */
  reasonCode: number;
}

/**
 * Decodes CACHE_INVALIDATE metadata in the reference order: length ≥ 20, scope enum. The 3.8
 * reference does not check that unused identity fields are zero, so neither do we.
 */
export function decodeCacheInvalidate(src: Buffer): CacheInvalidateMetadata {
  requireLength(src, CACHE_INVALIDATE_METADATA_LEN, 'cache_invalidate');
  const metadata: CacheInvalidateMetadata = {
    invalidateScope: src.readUInt32LE(CacheInvalidateOffset.invalidateScope),
    cacheNamespace: src.readUInt32LE(CacheInvalidateOffset.cacheNamespace),
    cacheKeyHi: src.readUInt32LE(CacheInvalidateOffset.cacheKeyHi),
    cacheKeyLo: src.readUInt32LE(CacheInvalidateOffset.cacheKeyLo),
    reasonCode: src.readUInt32LE(CacheInvalidateOffset.reasonCode),
  };
  validateInvalidateScope(metadata.invalidateScope);
  return metadata;
}

/** Encodes CACHE_INVALIDATE metadata (20 bytes), refusing what the decoder refuses. */
export function encodeCacheInvalidate(m: CacheInvalidateMetadata): Buffer {
  validateInvalidateScope(m.invalidateScope);
  const out = Buffer.alloc(CACHE_INVALIDATE_METADATA_LEN);
  out.writeUInt32LE(m.invalidateScope, CacheInvalidateOffset.invalidateScope);
  out.writeUInt32LE(m.cacheNamespace, CacheInvalidateOffset.cacheNamespace);
  out.writeUInt32LE(m.cacheKeyHi, CacheInvalidateOffset.cacheKeyHi);
  out.writeUInt32LE(m.cacheKeyLo, CacheInvalidateOffset.cacheKeyLo);
  out.writeUInt32LE(m.reasonCode, CacheInvalidateOffset.reasonCode);
  return out;
}

function validateInvalidateScope(scope: number): void {
  requireEnum(
    scope,
    CacheInvalidateScope.WholeSession,
    CacheInvalidateScope.ObjectKey,
    'cache_invalidate_scope',
  );
}
