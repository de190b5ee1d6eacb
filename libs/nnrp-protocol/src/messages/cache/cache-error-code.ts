/** Cache error codes (u32, `CACHE_ERROR_*`, data-plane.md §8.5); 0x00030000 means none. */
export enum CacheErrorCode {
  None = 0x00030000,
  CacheMiss = 0x00030001,
  LeaseExpired = 0x00030002,
  VersionMismatch = 0x00030003,
  DependencyInvalid = 0x00030004,
  SchemaMismatch = 0x00030005,
}

/** Spec names of the failure codes, as used by the conformance vectors. */
export const CACHE_ERROR_CODE_NAMES: Readonly<Record<string, CacheErrorCode>> = {
  cache_miss: CacheErrorCode.CacheMiss,
  lease_expired: CacheErrorCode.LeaseExpired,
  version_mismatch: CacheErrorCode.VersionMismatch,
  dependency_invalid: CacheErrorCode.DependencyInvalid,
  schema_mismatch: CacheErrorCode.SchemaMismatch,
};
