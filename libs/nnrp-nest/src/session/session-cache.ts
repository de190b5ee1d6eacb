import {
  CacheAckMetadata,
  CacheAckStatus,
  CacheInvalidateMetadata,
  CacheObjectId,
  cacheObjectIdKey,
  CachePutMetadata,
  matchesInvalidate,
} from '@nest-nnrp/protocol';
import { NnrpCacheLimits } from '../engine/nnrp-server-options';

/** One cached object. `bytes` is a private copy: it must not pin the socket chunk it came in. */
export interface CachedObject {
  readonly id: CacheObjectId;
  readonly bytes: Buffer;
  readonly flags: number;
  readonly expiresAt: number;
}

/**
 * The objects one session put in the server cache (decisions.md §6, data-plane.md §8.7), with
 * count and byte limits: over a limit a put is answered CACHE_ACK rejected.
 */
export class SessionCache {
  private readonly objects = new Map<string, CachedObject>();
  private totalBytes = 0;

  constructor(
    private readonly limits: NnrpCacheLimits,
    private readonly leaseTtlMs: number,
  ) {}

  get size(): number {
    return this.objects.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Stores an object and returns the CACHE_ACK to send. */
  put(put: CachePutMetadata, body: Buffer, now = Date.now()): CacheAckMetadata {
    const id: CacheObjectId = {
      cacheNamespace: put.cacheNamespace,
      cacheKeyHi: put.cacheKeyHi,
      cacheKeyLo: put.cacheKeyLo,
      objectKind: put.objectKind,
    };
    const key = cacheObjectIdKey(id);
    const previous = this.objects.get(key);
    const ttl = put.ttlMs === 0 ? this.leaseTtlMs : Math.min(put.ttlMs, this.leaseTtlMs);
    const ack = (status: CacheAckStatus, acceptedTtlMs = 0): CacheAckMetadata => ({
      cacheNamespace: put.cacheNamespace,
      cacheKeyHi: put.cacheKeyHi,
      cacheKeyLo: put.cacheKeyLo,
      status,
      acceptedTtlMs,
      maxObjectBytes: this.limits.maxObjectBytes,
      detailCode: 0,
    });
    const bytesAfter = this.totalBytes - (previous?.bytes.length ?? 0) + body.length;
    const countAfter = this.objects.size + (previous ? 0 : 1);
    if (
      !this.limits.enabled ||
      put.objectBytes !== body.length ||
      body.length > this.limits.maxObjectBytes ||
      bytesAfter > this.limits.maxBytes ||
      countAfter > this.limits.maxObjects
    ) {
      return ack(CacheAckStatus.Rejected);
    }
    this.objects.set(key, { id, bytes: Buffer.from(body), flags: put.flags, expiresAt: now + ttl });
    this.totalBytes = bytesAfter;
    return ack(previous ? CacheAckStatus.Replaced : CacheAckStatus.Accepted, ttl);
  }

  /** A live object, or `undefined` when missing or expired (expired at `expiresAt`, §8.5). */
  get(id: CacheObjectId, now = Date.now()): CachedObject | undefined {
    const object = this.objects.get(cacheObjectIdKey(id));
    if (!object || now >= object.expiresAt) return undefined;
    return object;
  }

  /** Removes every object the invalidate matches (§8.4); returns how many. */
  invalidate(invalidate: CacheInvalidateMetadata): number {
    let removed = 0;
    for (const [key, object] of this.objects) {
      if (matchesInvalidate(object.id, invalidate)) {
        this.objects.delete(key);
        this.totalBytes -= object.bytes.length;
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.objects.clear();
    this.totalBytes = 0;
  }
}
