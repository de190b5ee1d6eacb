import { requireLength, requireMask, requireZero } from '../metadata/field-checks';

/** Length of one typed payload descriptor (data-plane.md §2.9; Rust `TYPED_PAYLOAD_DESCRIPTOR_LEN`). */
export const TYPED_PAYLOAD_DESCRIPTOR_LEN = 24;

/** Byte offsets of TypedPayloadDescriptor fields (data-plane.md §2.9). */
export const TypedPayloadDescriptorOffset = {
  profileId: 0,
  descriptorFlags: 2,
  schemaId: 4,
  schemaVersion: 8,
  streamSemantics: 12,
  reserved0: 14,
  offset: 16,
  length: 20,
} as const;

/** `descriptor_flags` bits (data-plane.md §10.11). Rust accepts terminal and partial together. */
export enum TypedPayloadDescriptorFlag {
  Terminal = 0x1,
  Partial = 0x2,
  SchemaOverride = 0x4,
  ProfileHintPresent = 0x8,
}

/** Every defined `descriptor_flags` bit. */
export const TYPED_PAYLOAD_DESCRIPTOR_FLAGS_MASK = 0x000f;

/**
 * One typed payload descriptor. There is no payload-kind field: the family comes from the
 * metadata's `payload_kind_bitmap` plus profile and schema (§2.9, the Rust layout).
 */
export interface TypedPayloadDescriptor {
  /** 0 unspecified, 1 tensor, 2 token (§9.3); any u16 decodes. */
  profileId: number;
  /** {@link TypedPayloadDescriptorFlag} bits, mask 0x000f. */
  descriptorFlags: number;
  schemaId: number;
  schemaVersion: number;
  /** Not validated (§10.9); 2 = append for token deltas. */
  streamSemantics: number;
  /** Byte offset inside the typed-payload frame region. */
  offset: number;
  /** Byte length of the frame. */
  length: number;
}

/** Decodes one descriptor. Order as the reference: length ≥ 24, reserved0, flag mask. */
export function decodeTypedPayloadDescriptor(src: Buffer): TypedPayloadDescriptor {
  requireLength(src, TYPED_PAYLOAD_DESCRIPTOR_LEN, 'typed_payload_descriptor');
  requireZero(
    src.readUInt16LE(TypedPayloadDescriptorOffset.reserved0),
    'typed_payload_descriptor.reserved0',
  );
  const descriptorFlags = src.readUInt16LE(TypedPayloadDescriptorOffset.descriptorFlags);
  requireMask(
    descriptorFlags,
    TYPED_PAYLOAD_DESCRIPTOR_FLAGS_MASK,
    'typed_payload_descriptor.descriptor_flags',
  );
  return {
    profileId: src.readUInt16LE(TypedPayloadDescriptorOffset.profileId),
    descriptorFlags,
    schemaId: src.readUInt32LE(TypedPayloadDescriptorOffset.schemaId),
    schemaVersion: src.readUInt32LE(TypedPayloadDescriptorOffset.schemaVersion),
    streamSemantics: src.readUInt16LE(TypedPayloadDescriptorOffset.streamSemantics),
    offset: src.readUInt32LE(TypedPayloadDescriptorOffset.offset),
    length: src.readUInt32LE(TypedPayloadDescriptorOffset.length),
  };
}

/**
 * Writes one descriptor (all 24 bytes, reserved0 zero) into `target` at `at`, refusing a flag
 * outside the mask. Builders use it to write straight into the body they allocated.
 */
export function writeTypedPayloadDescriptor(
  d: TypedPayloadDescriptor,
  target: Buffer,
  at: number,
): void {
  requireMask(
    d.descriptorFlags,
    TYPED_PAYLOAD_DESCRIPTOR_FLAGS_MASK,
    'typed_payload_descriptor.descriptor_flags',
  );
  target.fill(0, at, at + TYPED_PAYLOAD_DESCRIPTOR_LEN);
  target.writeUInt16LE(d.profileId, at + TypedPayloadDescriptorOffset.profileId);
  target.writeUInt16LE(d.descriptorFlags, at + TypedPayloadDescriptorOffset.descriptorFlags);
  target.writeUInt32LE(d.schemaId, at + TypedPayloadDescriptorOffset.schemaId);
  target.writeUInt32LE(d.schemaVersion, at + TypedPayloadDescriptorOffset.schemaVersion);
  target.writeUInt16LE(d.streamSemantics, at + TypedPayloadDescriptorOffset.streamSemantics);
  target.writeUInt32LE(d.offset, at + TypedPayloadDescriptorOffset.offset);
  target.writeUInt32LE(d.length, at + TypedPayloadDescriptorOffset.length);
}

/** Encodes one descriptor (24 bytes, reserved zero), refusing values the decoder refuses. */
export function encodeTypedPayloadDescriptor(d: TypedPayloadDescriptor): Buffer {
  const out = Buffer.alloc(TYPED_PAYLOAD_DESCRIPTOR_LEN);
  writeTypedPayloadDescriptor(d, out, 0);
  return out;
}
