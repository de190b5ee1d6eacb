import {
  CacheAckMetadata,
  CacheAckStatus,
  CacheErrorCode,
  CacheInvalidateMetadata,
  CacheObjectId,
  cacheObjectIdKey,
  CachePutMetadata,
  matchesInvalidate,
  ObjectReferenceBlock,
  SchemaBinding,
} from '@nest-nnrp/protocol';
import { NnrpCacheLimits } from '../engine/nnrp-server-options';

/** Who holds a lease (data-plane.md §8.5 `owner_scope`). */
export enum LeaseOwnerScope {
  Connection = 0,
  Session = 1,
  Operation = 2,
}

/** A lease on a cached object: in-memory contract, not on the wire in preview3 (§8.5). */
export interface CacheLease {
  readonly ownerScope: LeaseOwnerScope;
  readonly ownerId: bigint;
  readonly grantedAtMs: number;
  readonly ttlMs: number;
}

/** A dependency of a cached object on another object at an exact version (§8.5). */
export interface CacheDependency {
  readonly id: CacheObjectId;
  readonly version: bigint;
}

/** One cached object. `bytes` is a private copy: it must not pin the socket chunk it came in. */
export interface CachedObject {
  readonly id: CacheObjectId;
  readonly bytes: Buffer;
  readonly version: bigint;
  readonly lease: CacheLease;
  readonly flags: number;
  readonly dependencies: readonly CacheDependency[];
  /** The profile/schema the object was cached for, if bound. */
  readonly binding: SchemaBinding | undefined;
}

/** Options of {@link CacheStore.put}. */
export interface CachePutOptions {
  /** Explicit version; must be higher than the current one (stale writes are rejected). */
  version?: bigint;
  ownerScope?: LeaseOwnerScope;
  ownerId?: bigint;
  /** Requested TTL; capped by the server's lease TTL; 0 = the server's. */
  ttlMs?: number;
  flags?: number;
  dependencies?: readonly CacheDependency[];
  binding?: SchemaBinding;
}

/** What a lookup may require of the object. */
export interface CacheResolveOptions {
  /** Exact version expected (version_mismatch otherwise). */
  version?: bigint;
  /** Profile/schema the caller reads it as (schema_mismatch otherwise). */
  binding?: SchemaBinding;
}

/** A cache answer: the object, or a cache error code (data-plane.md §8.5). */
export type CacheResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: CacheErrorCode };

interface Entry {
  object: CachedObject;
  /** Set by CACHE_INVALIDATE: dependents then resolve to dependency_invalid, not miss. */
  invalidated: boolean;
}

/** A put answer: stored, a stale version, or over the store's limits. */
export type CachePutResult =
  CacheResult<CachedObject> | { readonly ok: false; readonly code: 'over-limit' };

const miss = <T>(code: CacheErrorCode): CacheResult<T> => ({ ok: false, code });
const OVER_LIMIT = { ok: false, code: 'over-limit' } as const;

/** The cache id an object reference block names (kind u16 on the wire, u32 in CACHE_*). */
export function cacheIdOfReference(ref: ObjectReferenceBlock): CacheObjectId {
  return {
    cacheNamespace: ref.cacheNamespace,
    cacheKeyHi: ref.cacheKeyHi,
    cacheKeyLo: ref.cacheKeyLo,
    objectKind: ref.objectKind,
  };
}

/**
 * The objects one session put in the server cache (decisions.md §6, data-plane.md §8): leases
 * with an owner scope, versions that only go up, dependencies, and the count and byte limits
 * (over a limit a put is refused). Time comes from the caller so expiry is testable.
 */
export class CacheStore {
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;

  constructor(
    private readonly limits: NnrpCacheLimits,
    private readonly leaseTtlMs: number,
    /** Whether a bound schema is still installed (an uninstalled one invalidates dependents). */
    private readonly schemaInstalled: (schemaId: number, schemaVersion: number) => boolean = () =>
      true,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Stores (or replaces) an object under a new lease. */
  put(
    id: CacheObjectId,
    bytes: Buffer,
    options: CachePutOptions = {},
    now = Date.now(),
  ): CachePutResult {
    const key = cacheObjectIdKey(id);
    const previous = this.entries.get(key);
    const current = previous?.object.version ?? 0n;
    const version = options.version ?? current + 1n;
    // Versions are monotonic per object: a write at or below the current version is stale.
    if (previous && version <= current) return miss(CacheErrorCode.VersionMismatch);
    const bytesAfter = this.totalBytes - (previous?.object.bytes.length ?? 0) + bytes.length;
    const countAfter = this.entries.size + (previous ? 0 : 1);
    if (
      !this.limits.enabled ||
      bytes.length > this.limits.maxObjectBytes ||
      bytesAfter > this.limits.maxBytes ||
      countAfter > this.limits.maxObjects
    ) {
      return OVER_LIMIT;
    }
    const requested = options.ttlMs ?? 0;
    const object: CachedObject = {
      id,
      bytes: Buffer.from(bytes),
      version,
      flags: options.flags ?? 0,
      dependencies: options.dependencies ?? [],
      binding: options.binding,
      lease: {
        ownerScope: options.ownerScope ?? LeaseOwnerScope.Session,
        ownerId: options.ownerId ?? 0n,
        grantedAtMs: now,
        ttlMs: requested === 0 ? this.leaseTtlMs : Math.min(requested, this.leaseTtlMs),
      },
    };
    this.entries.set(key, { object, invalidated: false });
    this.totalBytes = bytesAfter;
    return { ok: true, value: object };
  }

  /** CACHE_PUT from the wire (§8.2): a session-owned lease; answered with this CACHE_ACK. */
  putFromWire(
    put: CachePutMetadata,
    body: Buffer,
    sessionId: number,
    now = Date.now(),
  ): CacheAckMetadata {
    const id: CacheObjectId = {
      cacheNamespace: put.cacheNamespace,
      cacheKeyHi: put.cacheKeyHi,
      cacheKeyLo: put.cacheKeyLo,
      objectKind: put.objectKind,
    };
    const replaced = this.entries.has(cacheObjectIdKey(id));
    const stored =
      put.objectBytes === body.length
        ? this.put(
            id,
            body,
            {
              ownerScope: LeaseOwnerScope.Session,
              ownerId: BigInt(sessionId),
              ttlMs: put.ttlMs,
              flags: put.flags,
            },
            now,
          )
        : OVER_LIMIT;
    return {
      cacheNamespace: put.cacheNamespace,
      cacheKeyHi: put.cacheKeyHi,
      cacheKeyLo: put.cacheKeyLo,
      status: !stored.ok
        ? CacheAckStatus.Rejected
        : replaced
          ? CacheAckStatus.Replaced
          : CacheAckStatus.Accepted,
      acceptedTtlMs: stored.ok ? stored.value.lease.ttlMs : 0,
      maxObjectBytes: this.limits.maxObjectBytes,
      // No registry exists for detail codes (decisions.md §6); a stale version is worth naming.
      detailCode: !stored.ok && stored.code !== 'over-limit' ? stored.code : 0,
    };
  }

  /**
   * Looks an object up, with the error codes of data-plane.md §8.5: cache_miss (absent or
   * invalidated), lease_expired (live until `expires_at − 1`), version_mismatch (exact version),
   * dependency_invalid (a dependency missing, invalidated or at another version, or a bound
   * schema uninstalled), schema_mismatch (read through another profile/schema).
   */
  resolve(
    id: CacheObjectId,
    options: CacheResolveOptions = {},
    now = Date.now(),
  ): CacheResult<CachedObject> {
    return this.resolveAt(id, options, now, new Set());
  }

  /**
   * `resolve`, following dependencies transitively: a dependency must itself resolve at its
   * required version (live lease, its own dependencies valid), and a cycle is invalid.
   */
  private resolveAt(
    id: CacheObjectId,
    options: CacheResolveOptions,
    now: number,
    visiting: Set<string>,
  ): CacheResult<CachedObject> {
    const key = cacheObjectIdKey(id);
    const entry = this.entries.get(key);
    if (!entry || entry.invalidated) return miss(CacheErrorCode.CacheMiss);
    const { object } = entry;
    if (now >= object.lease.grantedAtMs + object.lease.ttlMs)
      return miss(CacheErrorCode.LeaseExpired);
    if (options.version !== undefined && options.version !== object.version) {
      return miss(CacheErrorCode.VersionMismatch);
    }
    visiting.add(key);
    for (const dependency of object.dependencies) {
      const dependencyKey = cacheObjectIdKey(dependency.id);
      if (
        visiting.has(dependencyKey) ||
        !this.resolveAt(dependency.id, { version: dependency.version }, now, visiting).ok
      ) {
        visiting.delete(key);
        return miss(CacheErrorCode.DependencyInvalid);
      }
    }
    visiting.delete(key);
    const bound = object.binding;
    if (
      bound &&
      bound.schemaId !== 0 &&
      !this.schemaInstalled(bound.schemaId, bound.schemaVersion)
    ) {
      return miss(CacheErrorCode.DependencyInvalid);
    }
    const wanted = options.binding;
    if (
      bound &&
      wanted &&
      (bound.profileId !== wanted.profileId ||
        bound.schemaId !== wanted.schemaId ||
        bound.schemaVersion !== wanted.schemaVersion)
    ) {
      return miss(CacheErrorCode.SchemaMismatch);
    }
    return { ok: true, value: object };
  }

  /** The bytes of a live object, or `undefined` (for body views resolving references). */
  bytesOf(id: CacheObjectId, now = Date.now()): Buffer | undefined {
    const found = this.resolve(id, {}, now);
    return found.ok ? found.value.bytes : undefined;
  }

  /**
   * CACHE_INVALIDATE (§8.4): marks every matching object invalidated (kept as a tombstone so
   * dependents answer dependency_invalid). Returns how many.
   */
  invalidate(invalidate: CacheInvalidateMetadata): number {
    let count = 0;
    for (const entry of this.entries.values()) {
      if (!entry.invalidated && matchesInvalidate(entry.object.id, invalidate)) {
        entry.invalidated = true;
        this.totalBytes -= entry.object.bytes.length;
        entry.object = { ...entry.object, bytes: Buffer.alloc(0) };
        count++;
      }
    }
    return count;
  }

  /** The owner of some leases ended (an operation settled, a connection closed): drop them. */
  releaseOwner(scope: LeaseOwnerScope, ownerId: bigint): number {
    let count = 0;
    for (const [key, entry] of this.entries) {
      const { lease } = entry.object;
      if (lease.ownerScope === scope && lease.ownerId === ownerId) {
        this.entries.delete(key);
        this.totalBytes -= entry.object.bytes.length;
        count++;
      }
    }
    return count;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}
