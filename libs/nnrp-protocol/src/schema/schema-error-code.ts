/** Schema error codes (u32, `SCHEMA_ERROR_*`, data-plane.md §9.4); 0x00040000 means none. */
export enum SchemaErrorCode {
  None = 0x00040000,
  Unknown = 0x00040001,
  VersionUnknown = 0x00040002,
  HashConflict = 0x00040003,
  Incompatible = 0x00040004,
  /** Defined by the reference but never produced by it. */
  DependencyMissing = 0x00040005,
  UpdateRejected = 0x00040006,
}

/** Spec names of the failure codes, as used by the conformance vectors. */
export const SCHEMA_ERROR_CODE_NAMES: Readonly<Record<string, SchemaErrorCode>> = {
  schema_unknown: SchemaErrorCode.Unknown,
  schema_version_unknown: SchemaErrorCode.VersionUnknown,
  schema_hash_conflict: SchemaErrorCode.HashConflict,
  schema_incompatible: SchemaErrorCode.Incompatible,
  schema_dependency_missing: SchemaErrorCode.DependencyMissing,
  schema_update_rejected: SchemaErrorCode.UpdateRejected,
};
