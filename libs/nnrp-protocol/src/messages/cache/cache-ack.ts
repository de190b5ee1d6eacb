import { requireEnum, requireLength } from '../../metadata/field-checks';

/** Fixed metadata length of CACHE_ACK (data-plane.md §8.3). */
export const CACHE_ACK_METADATA_LEN = 28;

/** Byte offsets of CACHE_ACK metadata fields (data-plane.md §8.3). */
export const CacheAckOffset = {
  cacheNamespace: 0,
  cacheKeyHi: 4,
  cacheKeyLo: 8,
  status: 12,
  acceptedTtlMs: 16,
  maxObjectBytes: 20,
  detailCode: 24,
} as const;

/** CACHE_ACK `status` (u32). */
export enum CacheAckStatus {
  Accepted = 0,
  Rejected = 1,
  Replaced = 2,
}

/** CACHE_ACK (0x15) fixed metadata: no object kind, no reserved fields, no body. */
export interface CacheAckMetadata {
  cacheNamespace: number;
  cacheKeyHi: number;
  cacheKeyLo: number;
  status: CacheAckStatus;
  acceptedTtlMs: number;
  maxObjectBytes: number;
  /** No registry exists (data-plane.md Q4): passed through as a number (decisions.md §6). */
  detailCode: number;
}

/** Decodes CACHE_ACK metadata in the reference order: length ≥ 28, status enum. */
export function decodeCacheAck(src: Buffer): CacheAckMetadata {
  requireLength(src, CACHE_ACK_METADATA_LEN, 'cache_ack');
  const metadata: CacheAckMetadata = {
    cacheNamespace: src.readUInt32LE(CacheAckOffset.cacheNamespace),
    cacheKeyHi: src.readUInt32LE(CacheAckOffset.cacheKeyHi),
    cacheKeyLo: src.readUInt32LE(CacheAckOffset.cacheKeyLo),
    status: src.readUInt32LE(CacheAckOffset.status),
    acceptedTtlMs: src.readUInt32LE(CacheAckOffset.acceptedTtlMs),
    maxObjectBytes: src.readUInt32LE(CacheAckOffset.maxObjectBytes),
    detailCode: src.readUInt32LE(CacheAckOffset.detailCode),
  };
  validateCacheAckStatus(metadata.status);
  return metadata;
}

/** Encodes CACHE_ACK metadata (28 bytes), refusing what the decoder refuses. */
export function encodeCacheAck(m: CacheAckMetadata): Buffer {
  validateCacheAckStatus(m.status);
  const out = Buffer.alloc(CACHE_ACK_METADATA_LEN);
  out.writeUInt32LE(m.cacheNamespace, CacheAckOffset.cacheNamespace);
  out.writeUInt32LE(m.cacheKeyHi, CacheAckOffset.cacheKeyHi);
  out.writeUInt32LE(m.cacheKeyLo, CacheAckOffset.cacheKeyLo);
  out.writeUInt32LE(m.status, CacheAckOffset.status);
  out.writeUInt32LE(m.acceptedTtlMs, CacheAckOffset.acceptedTtlMs);
  out.writeUInt32LE(m.maxObjectBytes, CacheAckOffset.maxObjectBytes);
  out.writeUInt32LE(m.detailCode, CacheAckOffset.detailCode);
  return out;
}

function validateCacheAckStatus(status: number): void {
  requireEnum(status, CacheAckStatus.Accepted, CacheAckStatus.Replaced, 'cache_ack_status');
}
