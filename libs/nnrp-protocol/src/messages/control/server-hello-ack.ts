import { requireLength, requireMask, requireRule, requireZero } from '../../metadata/field-checks';
import { hasBitmapBit, requireSubset } from './bitmap';
import { ClientHelloMetadata } from './client-hello';

/** Fixed metadata length of SERVER_HELLO_ACK (control-plane.md §4.2). */
export const SERVER_HELLO_ACK_METADATA_LEN = 80;

/** Byte offsets of SERVER_HELLO_ACK metadata fields (control-plane.md §4.2). */
export const ServerHelloAckOffset = {
  selectedVersionMajor: 0,
  selectedWireFormat: 1,
  authStatus: 2,
  reserved0: 3,
  sessionId: 4,
  acceptedProfileBitmap: 8,
  acceptedPayloadKindBitmap: 12,
  acceptedCodecBitmap: 16,
  acceptedCompressionBitmap: 20,
  acceptedDtypeBitmap: 24,
  acceptedLayoutBitmap: 28,
  cacheDigestBitmap: 32,
  cacheObjectBitmap: 36,
  maxCacheEntries: 40,
  maxCacheBytes: 44,
  maxLaneCount: 48,
  maxConcurrentFrames: 50,
  targetCadenceX100: 52,
  latencyBudgetMs: 54,
  qualityTier: 56,
  degradePolicy: 58,
  maxBodyBytes: 60,
  tokenTtlMs: 64,
  retryAfterMs: 68,
  controlExtensionBytes: 72,
  serverFlags: 76,
} as const;

/** `auth_status` (u8): only 0 is assigned. */
export enum AuthStatus {
  Accepted = 0,
}

/** `server_flags` bits (u32). preview1's 0x2/0x4 are rejected by the preview3 codec. */
export enum ServerFlag {
  CacheEnabled = 0x01,
}
/** Every defined `server_flags` bit (`SERVER_HELLO_ACK_FLAGS_KNOWN_MASK`). */
export const SERVER_FLAGS_MASK = 0x00000001;

/** SERVER_HELLO_ACK (0x02) fixed metadata; the accepted bitmaps are subsets of the hello's. */
export interface ServerHelloAckMetadata {
  /** 1; must lie in the client's window. */
  selectedVersionMajor: number;
  /** 0; its bit must be in the client's bitmap. */
  selectedWireFormat: number;
  /** See {@link AuthStatus}. */
  authStatus: number;
  /** The effective session id (also the header's `session_id`). */
  sessionId: number;
  acceptedProfileBitmap: number;
  acceptedPayloadKindBitmap: number;
  acceptedCodecBitmap: number;
  acceptedCompressionBitmap: number;
  acceptedDtypeBitmap: number;
  acceptedLayoutBitmap: number;
  /** u32 here (the hello's u16 widened). */
  cacheDigestBitmap: number;
  cacheObjectBitmap: number;
  maxCacheEntries: number;
  maxCacheBytes: number;
  maxLaneCount: number;
  maxConcurrentFrames: number;
  targetCadenceX100: number;
  latencyBudgetMs: number;
  qualityTier: number;
  degradePolicy: number;
  maxBodyBytes: number;
  /** 0 = none. */
  tokenTtlMs: number;
  retryAfterMs: number;
  /** Length of the body (a control-extension block). */
  controlExtensionBytes: number;
  /** {@link ServerFlag} bits, mask 0x1. */
  serverFlags: number;
}

/** Decodes SERVER_HELLO_ACK metadata: length ≥ 80, reserved0 = 0, server_flags mask. */
export function decodeServerHelloAck(src: Buffer): ServerHelloAckMetadata {
  requireLength(src, SERVER_HELLO_ACK_METADATA_LEN, 'server_hello_ack');
  requireZero(src[ServerHelloAckOffset.reserved0], 'server_hello_ack.reserved0');
  const serverFlags = src.readUInt32LE(ServerHelloAckOffset.serverFlags);
  requireMask(serverFlags, SERVER_FLAGS_MASK, 'server_hello_ack.server_flags');
  return {
    selectedVersionMajor: src[ServerHelloAckOffset.selectedVersionMajor],
    selectedWireFormat: src[ServerHelloAckOffset.selectedWireFormat],
    authStatus: src[ServerHelloAckOffset.authStatus],
    sessionId: src.readUInt32LE(ServerHelloAckOffset.sessionId),
    acceptedProfileBitmap: src.readUInt32LE(ServerHelloAckOffset.acceptedProfileBitmap),
    acceptedPayloadKindBitmap: src.readUInt32LE(ServerHelloAckOffset.acceptedPayloadKindBitmap),
    acceptedCodecBitmap: src.readUInt32LE(ServerHelloAckOffset.acceptedCodecBitmap),
    acceptedCompressionBitmap: src.readUInt32LE(ServerHelloAckOffset.acceptedCompressionBitmap),
    acceptedDtypeBitmap: src.readUInt32LE(ServerHelloAckOffset.acceptedDtypeBitmap),
    acceptedLayoutBitmap: src.readUInt32LE(ServerHelloAckOffset.acceptedLayoutBitmap),
    cacheDigestBitmap: src.readUInt32LE(ServerHelloAckOffset.cacheDigestBitmap),
    cacheObjectBitmap: src.readUInt32LE(ServerHelloAckOffset.cacheObjectBitmap),
    maxCacheEntries: src.readUInt32LE(ServerHelloAckOffset.maxCacheEntries),
    maxCacheBytes: src.readUInt32LE(ServerHelloAckOffset.maxCacheBytes),
    maxLaneCount: src.readUInt16LE(ServerHelloAckOffset.maxLaneCount),
    maxConcurrentFrames: src.readUInt16LE(ServerHelloAckOffset.maxConcurrentFrames),
    targetCadenceX100: src.readUInt16LE(ServerHelloAckOffset.targetCadenceX100),
    latencyBudgetMs: src.readUInt16LE(ServerHelloAckOffset.latencyBudgetMs),
    qualityTier: src.readUInt16LE(ServerHelloAckOffset.qualityTier),
    degradePolicy: src.readUInt16LE(ServerHelloAckOffset.degradePolicy),
    maxBodyBytes: src.readUInt32LE(ServerHelloAckOffset.maxBodyBytes),
    tokenTtlMs: src.readUInt32LE(ServerHelloAckOffset.tokenTtlMs),
    retryAfterMs: src.readUInt32LE(ServerHelloAckOffset.retryAfterMs),
    controlExtensionBytes: src.readUInt32LE(ServerHelloAckOffset.controlExtensionBytes),
    serverFlags,
  };
}

/** Encodes SERVER_HELLO_ACK metadata (80 bytes, reserved0 zero), refusing unknown flags. */
export function encodeServerHelloAck(m: ServerHelloAckMetadata): Buffer {
  requireMask(m.serverFlags, SERVER_FLAGS_MASK, 'server_hello_ack.server_flags');
  const out = Buffer.alloc(SERVER_HELLO_ACK_METADATA_LEN);
  out[ServerHelloAckOffset.selectedVersionMajor] = m.selectedVersionMajor;
  out[ServerHelloAckOffset.selectedWireFormat] = m.selectedWireFormat;
  out[ServerHelloAckOffset.authStatus] = m.authStatus;
  out.writeUInt32LE(m.sessionId, ServerHelloAckOffset.sessionId);
  out.writeUInt32LE(m.acceptedProfileBitmap, ServerHelloAckOffset.acceptedProfileBitmap);
  out.writeUInt32LE(m.acceptedPayloadKindBitmap, ServerHelloAckOffset.acceptedPayloadKindBitmap);
  out.writeUInt32LE(m.acceptedCodecBitmap, ServerHelloAckOffset.acceptedCodecBitmap);
  out.writeUInt32LE(m.acceptedCompressionBitmap, ServerHelloAckOffset.acceptedCompressionBitmap);
  out.writeUInt32LE(m.acceptedDtypeBitmap, ServerHelloAckOffset.acceptedDtypeBitmap);
  out.writeUInt32LE(m.acceptedLayoutBitmap, ServerHelloAckOffset.acceptedLayoutBitmap);
  out.writeUInt32LE(m.cacheDigestBitmap, ServerHelloAckOffset.cacheDigestBitmap);
  out.writeUInt32LE(m.cacheObjectBitmap, ServerHelloAckOffset.cacheObjectBitmap);
  out.writeUInt32LE(m.maxCacheEntries, ServerHelloAckOffset.maxCacheEntries);
  out.writeUInt32LE(m.maxCacheBytes, ServerHelloAckOffset.maxCacheBytes);
  out.writeUInt16LE(m.maxLaneCount, ServerHelloAckOffset.maxLaneCount);
  out.writeUInt16LE(m.maxConcurrentFrames, ServerHelloAckOffset.maxConcurrentFrames);
  out.writeUInt16LE(m.targetCadenceX100, ServerHelloAckOffset.targetCadenceX100);
  out.writeUInt16LE(m.latencyBudgetMs, ServerHelloAckOffset.latencyBudgetMs);
  out.writeUInt16LE(m.qualityTier, ServerHelloAckOffset.qualityTier);
  out.writeUInt16LE(m.degradePolicy, ServerHelloAckOffset.degradePolicy);
  out.writeUInt32LE(m.maxBodyBytes, ServerHelloAckOffset.maxBodyBytes);
  out.writeUInt32LE(m.tokenTtlMs, ServerHelloAckOffset.tokenTtlMs);
  out.writeUInt32LE(m.retryAfterMs, ServerHelloAckOffset.retryAfterMs);
  out.writeUInt32LE(m.controlExtensionBytes, ServerHelloAckOffset.controlExtensionBytes);
  out.writeUInt32LE(m.serverFlags, ServerHelloAckOffset.serverFlags);
  return out;
}

/**
 * `validate_against_client_hello` (client-side check in the Rust core, §4.2): the selected
 * version lies in the client's window, the selected wire format is offered, and every accepted
 * bitmap is a subset of what the client declared. We run it on every ack we build.
 */
export function validateServerHelloAgainstClientHello(
  ack: ServerHelloAckMetadata,
  hello: ClientHelloMetadata,
): void {
  requireRule(
    hello.minVersionMajor <= ack.selectedVersionMajor &&
      ack.selectedVersionMajor <= hello.maxVersionMajor,
    'SERVER_HELLO_ACK selected version must be inside client window',
  );
  requireRule(
    hasBitmapBit(hello.supportedWireFormatBitmap, ack.selectedWireFormat),
    'SERVER_HELLO_ACK selected wire format must be client-supported',
  );
  const subsets: readonly [string, number, number][] = [
    ['accepted_profile_bitmap', ack.acceptedProfileBitmap, hello.supportedProfileBitmap],
    [
      'accepted_payload_kind_bitmap',
      ack.acceptedPayloadKindBitmap,
      hello.supportedPayloadKindBitmap,
    ],
    ['accepted_codec_bitmap', ack.acceptedCodecBitmap, hello.supportedCodecBitmap],
    [
      'accepted_compression_bitmap',
      ack.acceptedCompressionBitmap,
      hello.supportedCompressionBitmap,
    ],
    ['accepted_dtype_bitmap', ack.acceptedDtypeBitmap, hello.supportedDtypeBitmap],
    ['accepted_layout_bitmap', ack.acceptedLayoutBitmap, hello.supportedLayoutBitmap],
    ['cache_digest_bitmap', ack.cacheDigestBitmap, hello.cacheDigestBitmap],
    ['cache_object_bitmap', ack.cacheObjectBitmap, hello.cacheObjectBitmap],
  ];
  for (const [field, accepted, supported] of subsets) {
    requireSubset(accepted, supported, `SERVER_HELLO_ACK ${field}`);
  }
}
