import { VERSION_MAJOR, WIRE_FORMAT } from '../../header/packet-header';
import { requireLength, requireRule } from '../../metadata/field-checks';
import { hasBitmapBit } from './bitmap';

/** Fixed metadata length of CLIENT_HELLO (control-plane.md §4.1). */
export const CLIENT_HELLO_METADATA_LEN = 64;

/** Byte offsets of CLIENT_HELLO metadata fields (control-plane.md §4.1). */
export const ClientHelloOffset = {
  minVersionMajor: 0,
  maxVersionMajor: 1,
  supportedWireFormatBitmap: 2,
  supportedProfileBitmap: 4,
  supportedPayloadKindBitmap: 8,
  supportedCodecBitmap: 12,
  supportedCompressionBitmap: 16,
  supportedDtypeBitmap: 20,
  supportedLayoutBitmap: 24,
  cacheDigestBitmap: 28,
  cacheObjectBitmap: 30,
  cacheNamespaceCount: 32,
  maxLaneCount: 34,
  maxCacheEntries: 36,
  maxCacheBytes: 40,
  targetCadenceX100: 44,
  latencyBudgetMs: 46,
  qualityTier: 48,
  degradePolicy: 50,
  requestedSessionId: 52,
  authBytes: 56,
  controlExtensionBytes: 60,
} as const;

/** CLIENT_HELLO (0x01) fixed metadata. No reserved fields. */
export interface ClientHelloMetadata {
  /** Must be ≤ `maxVersionMajor`; the window must contain 1. */
  minVersionMajor: number;
  maxVersionMajor: number;
  /** u16, bit n = wire_format n; bit 0 is mandatory. */
  supportedWireFormatBitmap: number;
  /** Non-zero; Python sends 0x0001 (tensor). */
  supportedProfileBitmap: number;
  /** Non-zero; {@link PayloadKind} bits. */
  supportedPayloadKindBitmap: number;
  supportedCodecBitmap: number;
  supportedCompressionBitmap: number;
  supportedDtypeBitmap: number;
  supportedLayoutBitmap: number;
  /** u16 here, u32 in SERVER_HELLO_ACK. */
  cacheDigestBitmap: number;
  /** u16: bit (kind − 1) per cache object kind. */
  cacheObjectBitmap: number;
  cacheNamespaceCount: number;
  maxLaneCount: number;
  maxCacheEntries: number;
  maxCacheBytes: number;
  /** u16 here, u32 in SESSION_PATCH. */
  targetCadenceX100: number;
  latencyBudgetMs: number;
  qualityTier: number;
  degradePolicy: number;
  /** 0 = the server assigns. */
  requestedSessionId: number;
  /** Length of the auth block in the body (after the extension block, Python order). */
  authBytes: number;
  /** Length of the control-extension block at the start of the body. */
  controlExtensionBytes: number;
}

/**
 * `validate_capability_window`: an ordered version window that contains NNRP/1, wire format 0
 * offered, and non-empty profile and payload-kind bitmaps. Each violation is
 * `InvalidProtocolCombination` with the reference's rule text.
 */
export function validateCapabilityWindow(m: ClientHelloMetadata): void {
  requireRule(
    m.minVersionMajor <= m.maxVersionMajor,
    'CLIENT_HELLO version window must be ordered',
  );
  requireRule(
    m.minVersionMajor <= VERSION_MAJOR && VERSION_MAJOR <= m.maxVersionMajor,
    'CLIENT_HELLO version window must include NNRP/1',
  );
  requireRule(
    hasBitmapBit(m.supportedWireFormatBitmap, WIRE_FORMAT),
    'CLIENT_HELLO supported_wire_format_bitmap must include wire_format 0',
  );
  requireRule(m.supportedProfileBitmap !== 0, 'CLIENT_HELLO supported_profile_bitmap');
  requireRule(m.supportedPayloadKindBitmap !== 0, 'CLIENT_HELLO supported_payload_kind_bitmap');
}

/** Decodes CLIENT_HELLO metadata: length ≥ 64, then {@link validateCapabilityWindow}. */
export function decodeClientHello(src: Buffer): ClientHelloMetadata {
  requireLength(src, CLIENT_HELLO_METADATA_LEN, 'client_hello');
  const m: ClientHelloMetadata = {
    minVersionMajor: src[ClientHelloOffset.minVersionMajor],
    maxVersionMajor: src[ClientHelloOffset.maxVersionMajor],
    supportedWireFormatBitmap: src.readUInt16LE(ClientHelloOffset.supportedWireFormatBitmap),
    supportedProfileBitmap: src.readUInt32LE(ClientHelloOffset.supportedProfileBitmap),
    supportedPayloadKindBitmap: src.readUInt32LE(ClientHelloOffset.supportedPayloadKindBitmap),
    supportedCodecBitmap: src.readUInt32LE(ClientHelloOffset.supportedCodecBitmap),
    supportedCompressionBitmap: src.readUInt32LE(ClientHelloOffset.supportedCompressionBitmap),
    supportedDtypeBitmap: src.readUInt32LE(ClientHelloOffset.supportedDtypeBitmap),
    supportedLayoutBitmap: src.readUInt32LE(ClientHelloOffset.supportedLayoutBitmap),
    cacheDigestBitmap: src.readUInt16LE(ClientHelloOffset.cacheDigestBitmap),
    cacheObjectBitmap: src.readUInt16LE(ClientHelloOffset.cacheObjectBitmap),
    cacheNamespaceCount: src.readUInt16LE(ClientHelloOffset.cacheNamespaceCount),
    maxLaneCount: src.readUInt16LE(ClientHelloOffset.maxLaneCount),
    maxCacheEntries: src.readUInt32LE(ClientHelloOffset.maxCacheEntries),
    maxCacheBytes: src.readUInt32LE(ClientHelloOffset.maxCacheBytes),
    targetCadenceX100: src.readUInt16LE(ClientHelloOffset.targetCadenceX100),
    latencyBudgetMs: src.readUInt16LE(ClientHelloOffset.latencyBudgetMs),
    qualityTier: src.readUInt16LE(ClientHelloOffset.qualityTier),
    degradePolicy: src.readUInt16LE(ClientHelloOffset.degradePolicy),
    requestedSessionId: src.readUInt32LE(ClientHelloOffset.requestedSessionId),
    authBytes: src.readUInt32LE(ClientHelloOffset.authBytes),
    controlExtensionBytes: src.readUInt32LE(ClientHelloOffset.controlExtensionBytes),
  };
  validateCapabilityWindow(m);
  return m;
}

/** Encodes CLIENT_HELLO metadata (64 bytes), refusing a window the decoder refuses. */
export function encodeClientHello(m: ClientHelloMetadata): Buffer {
  validateCapabilityWindow(m);
  const out = Buffer.alloc(CLIENT_HELLO_METADATA_LEN);
  out[ClientHelloOffset.minVersionMajor] = m.minVersionMajor;
  out[ClientHelloOffset.maxVersionMajor] = m.maxVersionMajor;
  out.writeUInt16LE(m.supportedWireFormatBitmap, ClientHelloOffset.supportedWireFormatBitmap);
  out.writeUInt32LE(m.supportedProfileBitmap, ClientHelloOffset.supportedProfileBitmap);
  out.writeUInt32LE(m.supportedPayloadKindBitmap, ClientHelloOffset.supportedPayloadKindBitmap);
  out.writeUInt32LE(m.supportedCodecBitmap, ClientHelloOffset.supportedCodecBitmap);
  out.writeUInt32LE(m.supportedCompressionBitmap, ClientHelloOffset.supportedCompressionBitmap);
  out.writeUInt32LE(m.supportedDtypeBitmap, ClientHelloOffset.supportedDtypeBitmap);
  out.writeUInt32LE(m.supportedLayoutBitmap, ClientHelloOffset.supportedLayoutBitmap);
  out.writeUInt16LE(m.cacheDigestBitmap, ClientHelloOffset.cacheDigestBitmap);
  out.writeUInt16LE(m.cacheObjectBitmap, ClientHelloOffset.cacheObjectBitmap);
  out.writeUInt16LE(m.cacheNamespaceCount, ClientHelloOffset.cacheNamespaceCount);
  out.writeUInt16LE(m.maxLaneCount, ClientHelloOffset.maxLaneCount);
  out.writeUInt32LE(m.maxCacheEntries, ClientHelloOffset.maxCacheEntries);
  out.writeUInt32LE(m.maxCacheBytes, ClientHelloOffset.maxCacheBytes);
  out.writeUInt16LE(m.targetCadenceX100, ClientHelloOffset.targetCadenceX100);
  out.writeUInt16LE(m.latencyBudgetMs, ClientHelloOffset.latencyBudgetMs);
  out.writeUInt16LE(m.qualityTier, ClientHelloOffset.qualityTier);
  out.writeUInt16LE(m.degradePolicy, ClientHelloOffset.degradePolicy);
  out.writeUInt32LE(m.requestedSessionId, ClientHelloOffset.requestedSessionId);
  out.writeUInt32LE(m.authBytes, ClientHelloOffset.authBytes);
  out.writeUInt32LE(m.controlExtensionBytes, ClientHelloOffset.controlExtensionBytes);
  return out;
}
