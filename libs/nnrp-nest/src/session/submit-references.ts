import {
  CacheErrorCode,
  FrameSubmitMetadata,
  isNnrpProtocolError,
  splitBodyRegions,
  SubmitMode,
  validateSubmitMask,
} from '@nest-nnrp/protocol';
import { cacheIdOfReference, CacheStore } from './cache-store';

/** Why a submit's object references do not resolve. */
export type ReferenceFailure =
  { readonly kind: 'invalid-body' } | { readonly kind: 'cache'; readonly code: CacheErrorCode };

/**
 * Checks that every object a reference-mode submit names resolves from the session's cache
 * (data-plane.md §2.8 resolution, §8.6): the first one that does not gives its cache error code.
 * Inline submits have nothing to resolve. A malformed reference region is a frame-level error.
 */
export function checkSubmitReferences(
  metadata: FrameSubmitMetadata,
  body: Buffer,
  cache: CacheStore,
): ReferenceFailure | undefined {
  if (metadata.submitMode === SubmitMode.Inline && metadata.objectRefMask === 0) return undefined;
  try {
    const region = splitBodyRegions(body).objectReferences;
    for (const reference of validateSubmitMask(
      region,
      metadata.submitMode,
      metadata.objectRefMask,
    )) {
      const found = cache.resolve(cacheIdOfReference(reference));
      if (!found.ok) return { kind: 'cache', code: found.code };
    }
    return undefined;
  } catch (error) {
    if (isNnrpProtocolError(error)) return { kind: 'invalid-body' };
    throw error;
  }
}
