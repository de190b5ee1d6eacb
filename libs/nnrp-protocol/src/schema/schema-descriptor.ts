import { requireLength, requireMask, requireZero } from '../metadata/field-checks';

/** Length of a schema descriptor header (data-plane.md §9.1). */
export const SCHEMA_DESCRIPTOR_HEADER_LEN = 32;

/** Byte offsets of schema descriptor header fields (data-plane.md §9.1). */
export const SchemaDescriptorOffset = {
  schemaId: 0,
  schemaVersion: 4,
  profileId: 8,
  schemaFlags: 10,
  minVersionMajor: 12,
  maxVersionMajor: 13,
  reserved0: 14,
  bodyBytes: 16,
  dependencyCount: 20,
  defaultStreamSemantics: 22,
  schemaHash: 24,
} as const;

/**
 * `schema_flags` bits (u16) with the protocol docs' names (data-plane.md §10.11); the reference
 * only knows the mask, and the Python SDK names the bits differently (§13).
 */
export enum SchemaFlag {
  Cacheable = 0x0001,
  Critical = 0x0002,
  DefaultBindable = 0x0004,
  HashStable = 0x0008,
}
/** Every defined schema flag; any other bit is rejected (`ReservedBitsSet`). */
export const SCHEMA_FLAGS_MASK = 0x000f;

/**
 * Schema descriptor header. No preview3 message carries one: descriptors are configured
 * locally into a {@link SchemaRegistry}.
 */
export interface SchemaDescriptorHeader {
  schemaId: number;
  schemaVersion: number;
  /** Checked when installed, not when decoded. */
  profileId: number;
  /** {@link SchemaFlag} bits, mask 0x000F. */
  schemaFlags: number;
  minVersionMajor: number;
  maxVersionMajor: number;
  /** Schema body length (0 for the standard token-delta schema). */
  bodyBytes: number;
  dependencyCount: number;
  /** A `stream_semantics` value (data-plane.md §10.9). */
  defaultStreamSemantics: number;
  /** Consistency digest (u64). */
  schemaHash: bigint;
}

/** Decodes a schema descriptor header in the reference order: length ≥ 32, reserved0, flag mask. */
export function decodeSchemaDescriptorHeader(src: Buffer): SchemaDescriptorHeader {
  requireLength(src, SCHEMA_DESCRIPTOR_HEADER_LEN, 'schema_descriptor');
  requireZero(src.readUInt16LE(SchemaDescriptorOffset.reserved0), 'schema_descriptor.reserved0');
  const schemaFlags = src.readUInt16LE(SchemaDescriptorOffset.schemaFlags);
  requireMask(schemaFlags, SCHEMA_FLAGS_MASK, 'schema_descriptor.schema_flags');
  return {
    schemaId: src.readUInt32LE(SchemaDescriptorOffset.schemaId),
    schemaVersion: src.readUInt32LE(SchemaDescriptorOffset.schemaVersion),
    profileId: src.readUInt16LE(SchemaDescriptorOffset.profileId),
    schemaFlags,
    minVersionMajor: src[SchemaDescriptorOffset.minVersionMajor],
    maxVersionMajor: src[SchemaDescriptorOffset.maxVersionMajor],
    bodyBytes: src.readUInt32LE(SchemaDescriptorOffset.bodyBytes),
    dependencyCount: src.readUInt16LE(SchemaDescriptorOffset.dependencyCount),
    defaultStreamSemantics: src.readUInt16LE(SchemaDescriptorOffset.defaultStreamSemantics),
    schemaHash: src.readBigUInt64LE(SchemaDescriptorOffset.schemaHash),
  };
}

/** Encodes a schema descriptor header (32 bytes, reserved zero), refusing a bad flag mask. */
export function encodeSchemaDescriptorHeader(d: SchemaDescriptorHeader): Buffer {
  requireMask(d.schemaFlags, SCHEMA_FLAGS_MASK, 'schema_descriptor.schema_flags');
  const out = Buffer.alloc(SCHEMA_DESCRIPTOR_HEADER_LEN);
  out.writeUInt32LE(d.schemaId, SchemaDescriptorOffset.schemaId);
  out.writeUInt32LE(d.schemaVersion, SchemaDescriptorOffset.schemaVersion);
  out.writeUInt16LE(d.profileId, SchemaDescriptorOffset.profileId);
  out.writeUInt16LE(d.schemaFlags, SchemaDescriptorOffset.schemaFlags);
  out.writeUInt8(d.minVersionMajor, SchemaDescriptorOffset.minVersionMajor);
  out.writeUInt8(d.maxVersionMajor, SchemaDescriptorOffset.maxVersionMajor);
  out.writeUInt32LE(d.bodyBytes, SchemaDescriptorOffset.bodyBytes);
  out.writeUInt16LE(d.dependencyCount, SchemaDescriptorOffset.dependencyCount);
  out.writeUInt16LE(d.defaultStreamSemantics, SchemaDescriptorOffset.defaultStreamSemantics);
  out.writeBigUInt64LE(d.schemaHash, SchemaDescriptorOffset.schemaHash);
  return out;
}
