import type { CacheInvalidateMetadata } from './cache-invalidate';
import { CacheInvalidateScope } from './cache-invalidate';
import type { CacheObjectKind } from './cache-object-kind';

/**
 * Identity of a cached object (`CacheObjectId`, data-plane.md §8.5): equality includes the
 * kind. CACHE_PUT metadata is itself a `CacheObjectId`.
 */
export interface CacheObjectId {
  cacheNamespace: number;
  cacheKeyHi: number;
  cacheKeyLo: number;
  objectKind: CacheObjectKind;
}

/** A string key unique per {@link CacheObjectId}, for `Map`s of cached objects. */
export function cacheObjectIdKey(id: Readonly<CacheObjectId>): string {
  return `${id.cacheNamespace}:${id.cacheKeyHi}:${id.cacheKeyLo}:${id.objectKind}`;
}

/**
 * Whether a CACHE_INVALIDATE hits `objectId` (`CacheObjectId::matches_invalidate`, §8.4):
 * whole_session hits everything; namespace the same namespace; object_kind the same namespace
 * and `objectKind == cacheKeyHi`; object_key the same namespace and key, **whatever the kind**.
 */
export function matchesInvalidate(
  objectId: Readonly<CacheObjectId>,
  invalidate: Readonly<CacheInvalidateMetadata>,
): boolean {
  const sameNamespace = objectId.cacheNamespace === invalidate.cacheNamespace;
  switch (invalidate.invalidateScope) {
    case CacheInvalidateScope.WholeSession:
      return true;
    case CacheInvalidateScope.Namespace:
      return sameNamespace;
    case CacheInvalidateScope.ObjectKind:
      return sameNamespace && objectId.objectKind === invalidate.cacheKeyHi;
    case CacheInvalidateScope.ObjectKey:
      return (
        sameNamespace &&
        objectId.cacheKeyHi === invalidate.cacheKeyHi &&
        objectId.cacheKeyLo === invalidate.cacheKeyLo
      );
    default:
      // Only reachable with an unchecked scope value: such an invalidate hits nothing.
      return false;
  }
}
