import { requireLength, requireZero } from '../metadata/field-checks';
import { alignUp, requireZeroBytes, viewAt } from './body-bounds';
import { requireCacheObjectKind } from '../messages/cache/cache-object-kind';

/** Length of an inline object block header (data-plane.md §2.10). */
export const INLINE_OBJECT_HEADER_LEN = 16;

/** Byte offsets of InlineObjectBlockHeader fields (data-plane.md §2.10). */
export const InlineObjectHeaderOffset = {
  objectKind: 0,
  objectFlags: 2,
  profileId: 4,
  reserved0: 6,
  objectBytes: 8,
  reserved1: 12,
} as const;

/**
 * The inline object kinds the tensor profile uses (their CacheObjectKind values, §8.1). Submit
 * order is camera, tile index, section table; a result has no camera (§2.10).
 */
export enum InlineObjectKind {
  CameraBlock = 0x0001,
  TileIndexBlock = 0x0002,
  TensorSectionTable = 0x0003,
}

/** An inline object block header (`object_flags`, reserved0 and reserved1 are 0). */
export interface InlineObjectHeader {
  /** CacheObjectKind 1..9 (§8.1). */
  objectKind: number;
  profileId: number;
  /** Payload length, padding excluded. */
  objectBytes: number;
}

/** One inline object of a walked region: its header fields and a zero-copy payload view. */
export interface InlineObject {
  objectKind: number;
  profileId: number;
  payload: Buffer;
}

/**
 * Decodes a block header: length ≥ 16, object_flags, reserved0, reserved1 all zero (Python's
 * header rules, §2.10), then the kind as a CacheObjectKind (`UnknownEnumValue`).
 */
export function decodeInlineObjectHeader(src: Buffer): InlineObjectHeader {
  requireLength(src, INLINE_OBJECT_HEADER_LEN, 'inline_object');
  requireZero(src.readUInt16LE(InlineObjectHeaderOffset.objectFlags), 'inline_object.object_flags');
  requireZero(src.readUInt16LE(InlineObjectHeaderOffset.reserved0), 'inline_object.reserved0');
  requireZero(src.readUInt32LE(InlineObjectHeaderOffset.reserved1), 'inline_object.reserved1');
  const objectKind = src.readUInt16LE(InlineObjectHeaderOffset.objectKind);
  requireCacheObjectKind(objectKind);
  return {
    objectKind,
    profileId: src.readUInt16LE(InlineObjectHeaderOffset.profileId),
    objectBytes: src.readUInt32LE(InlineObjectHeaderOffset.objectBytes),
  };
}

/** Writes a block header (all 16 bytes, flags and reserved zero) into `target` at `at`. */
export function writeInlineObjectHeader(h: InlineObjectHeader, target: Buffer, at: number): void {
  requireCacheObjectKind(h.objectKind);
  target.fill(0, at, at + INLINE_OBJECT_HEADER_LEN);
  target.writeUInt16LE(h.objectKind, at + InlineObjectHeaderOffset.objectKind);
  target.writeUInt16LE(h.profileId, at + InlineObjectHeaderOffset.profileId);
  target.writeUInt32LE(h.objectBytes, at + InlineObjectHeaderOffset.objectBytes);
}

/** Whole block length for a payload: header + payload, zero-padded to a multiple of 8. */
export function inlineObjectBlockLength(objectBytes: number): number {
  return INLINE_OBJECT_HEADER_LEN + alignUp(objectBytes);
}

/**
 * Walks an inline-object region: back-to-back blocks that must cover it exactly, each padded
 * with zeros to 8 bytes. Payloads are views into `region`; nothing is copied.
 */
export function walkInlineObjects(region: Buffer): InlineObject[] {
  const objects: InlineObject[] = [];
  let at = 0;
  while (at < region.length) {
    const header = decodeInlineObjectHeader(
      viewAt(region, at, INLINE_OBJECT_HEADER_LEN, 'inline_object'),
    );
    const payloadAt = at + INLINE_OBJECT_HEADER_LEN;
    const payload = viewAt(region, payloadAt, header.objectBytes, 'inline_object.object_bytes');
    const end = at + inlineObjectBlockLength(header.objectBytes);
    viewAt(region, payloadAt, end - payloadAt, 'inline_object.padding');
    requireZeroBytes(region, payloadAt + header.objectBytes, end, 'inline_object.padding');
    objects.push({ objectKind: header.objectKind, profileId: header.profileId, payload });
    at = end;
  }
  return objects;
}
