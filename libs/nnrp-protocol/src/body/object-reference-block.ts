import { requireCacheObjectKind } from '../messages/cache/cache-object-kind';
import { requireLength, requireZero } from '../metadata/field-checks';

/** Length of one object reference block (data-plane.md §2.8; Rust `OBJECT_REFERENCE_BLOCK_LEN`). */
export const OBJECT_REFERENCE_BLOCK_LEN = 16;

/** Byte offsets of ObjectReferenceBlock fields (data-plane.md §2.8). */
export const ObjectReferenceBlockOffset = {
  objectKind: 0,
  refFlags: 2,
  cacheNamespace: 4,
  cacheKeyHi: 8,
  cacheKeyLo: 12,
} as const;

/** One 16-byte reference to a cached object (`ref_flags` is always 0 and not carried). */
export interface ObjectReferenceBlock {
  /** CacheObjectKind 1..9 (§8.1). */
  objectKind: number;
  cacheNamespace: number;
  cacheKeyHi: number;
  cacheKeyLo: number;
}

/** Decodes one block. Order as the reference: length ≥ 16, ref_flags, object kind. */
export function decodeObjectReferenceBlock(src: Buffer): ObjectReferenceBlock {
  requireLength(src, OBJECT_REFERENCE_BLOCK_LEN, 'object_reference');
  requireZero(src.readUInt16LE(ObjectReferenceBlockOffset.refFlags), 'object_reference.ref_flags');
  const objectKind = src.readUInt16LE(ObjectReferenceBlockOffset.objectKind);
  requireCacheObjectKind(objectKind);
  return {
    objectKind,
    cacheNamespace: src.readUInt32LE(ObjectReferenceBlockOffset.cacheNamespace),
    cacheKeyHi: src.readUInt32LE(ObjectReferenceBlockOffset.cacheKeyHi),
    cacheKeyLo: src.readUInt32LE(ObjectReferenceBlockOffset.cacheKeyLo),
  };
}

/** Writes one block (all 16 bytes, ref_flags zero) into `target` at `at`. */
export function writeObjectReferenceBlock(
  b: ObjectReferenceBlock,
  target: Buffer,
  at: number,
): void {
  requireCacheObjectKind(b.objectKind);
  target.fill(0, at, at + OBJECT_REFERENCE_BLOCK_LEN);
  target.writeUInt16LE(b.objectKind, at + ObjectReferenceBlockOffset.objectKind);
  target.writeUInt32LE(b.cacheNamespace, at + ObjectReferenceBlockOffset.cacheNamespace);
  target.writeUInt32LE(b.cacheKeyHi, at + ObjectReferenceBlockOffset.cacheKeyHi);
  target.writeUInt32LE(b.cacheKeyLo, at + ObjectReferenceBlockOffset.cacheKeyLo);
}

/** Encodes one block (16 bytes), refusing values the decoder refuses. */
export function encodeObjectReferenceBlock(b: ObjectReferenceBlock): Buffer {
  const out = Buffer.alloc(OBJECT_REFERENCE_BLOCK_LEN);
  writeObjectReferenceBlock(b, out, 0);
  return out;
}
