import {
  ClientHelloMetadata,
  ControlExtensionEntry,
  ControlExtensionType,
  decodeControlExtensions,
  decodeTransportPolicyExtension,
  encodeControlExtensions,
  encodeTransportPolicyAckExtension,
  ErrorCode,
  CONTROL_EXTENSION_FLAG_CRITICAL,
  isNnrpProtocolError,
  profileBitmap,
  ServerHelloAckMetadata,
  TransportId,
  TransportPolicy,
} from '@nest-nnrp/protocol';
import { ResolvedServerOptions } from '../engine/nnrp-server-options';

/** Server-side capability bitmaps before intersection (the Python reference's values, §4.2). */
const SERVER_PAYLOAD_KINDS = 0x7f;
const SERVER_CODECS = 0x0003;
const SERVER_COMPRESSIONS = 0x0003;
const SERVER_DTYPES = 0x001f;
const SERVER_LAYOUTS = 0x0003;
const SERVER_MAX_LANES = 1;
/** SERVER_HELLO_ACK `server_flags` bit 0: cache enabled (the only defined bit). */
const SERVER_FLAG_CACHE_ENABLED = 0x1;

/** Extension types this server understands in a CLIENT_HELLO (control-plane.md §4.3). */
const KNOWN_CLIENT_EXTENSIONS: ReadonlySet<number> = new Set([
  ControlExtensionType.TransportPolicy,
  ControlExtensionType.LossTolerance,
  ControlExtensionType.PayloadCapabilities,
]);

/** A CLIENT_HELLO body, split. */
export interface HelloBody {
  readonly extensions: ControlExtensionEntry[];
  readonly authBlock: Buffer;
}

/**
 * Splits the CLIENT_HELLO body into its extension block and auth block (control-plane.md §6.4
 * H2): the Python order "extensions ‖ auth" first, then the documented "auth ‖ extensions".
 * Returns the ERROR code to send when neither parses.
 */
export function splitHelloBody(hello: ClientHelloMetadata, body: Buffer): HelloBody | ErrorCode {
  const { authBytes, controlExtensionBytes } = hello;
  if (body.length !== authBytes + controlExtensionBytes) return ErrorCode.MalformedBody;
  const extensionsFirst = tryExtensions(body.subarray(0, controlExtensionBytes));
  if (extensionsFirst) {
    return { extensions: extensionsFirst, authBlock: body.subarray(controlExtensionBytes) };
  }
  if (authBytes > 0 && controlExtensionBytes > 0) {
    const authFirst = tryExtensions(body.subarray(authBytes));
    if (authFirst) return { extensions: authFirst, authBlock: body.subarray(0, authBytes) };
  }
  return ErrorCode.MalformedBody;
}

function tryExtensions(block: Buffer): ControlExtensionEntry[] | undefined {
  try {
    return decodeControlExtensions(block);
  } catch (error) {
    if (isNnrpProtocolError(error)) return undefined;
    throw error;
  }
}

/** True when the hello carries a CRITICAL extension we do not understand (ERROR 0x0006). */
export function hasUnknownCriticalExtension(extensions: readonly ControlExtensionEntry[]): boolean {
  return extensions.some(
    (entry) =>
      (entry.extFlags & CONTROL_EXTENSION_FLAG_CRITICAL) !== 0 &&
      !KNOWN_CLIENT_EXTENSIONS.has(entry.extType),
  );
}

/**
 * SERVER_HELLO_ACK metadata and body (control-plane.md §4.2, §6.4 H5; decisions.md §9): every
 * accepted bitmap is the intersection with the client's, the body is the transport-policy ack,
 * and the application's model name is never put on the wire.
 */
export function serverHelloAck(
  hello: ClientHelloMetadata,
  extensions: readonly ControlExtensionEntry[],
  sessionId: number,
  carrier: 'tcp' | 'quic',
  options: ResolvedServerOptions,
): { metadata: ServerHelloAckMetadata; body: Buffer } {
  const requested = extensions.find((e) => e.extType === ControlExtensionType.TransportPolicy);
  const transportPolicy = requested
    ? decodeTransportPolicyExtension(requested.payload).transportPolicy
    : TransportPolicy.Auto;
  const body = encodeControlExtensions([
    {
      extType: ControlExtensionType.TransportPolicyAck,
      extFlags: 0,
      payload: encodeTransportPolicyAckExtension({
        transportPolicy,
        acceptedTransportPolicy: transportPolicy,
        activeTransportId: carrier === 'quic' ? TransportId.Quic : TransportId.Tcp,
      }),
    },
  ]);
  const cache = options.profile.cache;
  return {
    metadata: {
      selectedVersionMajor: 1,
      selectedWireFormat: 0,
      authStatus: 0,
      sessionId,
      acceptedProfileBitmap:
        hello.supportedProfileBitmap & profileBitmap(options.supportedProfiles),
      acceptedPayloadKindBitmap: hello.supportedPayloadKindBitmap & SERVER_PAYLOAD_KINDS,
      acceptedCodecBitmap: hello.supportedCodecBitmap & SERVER_CODECS,
      acceptedCompressionBitmap: hello.supportedCompressionBitmap & SERVER_COMPRESSIONS,
      acceptedDtypeBitmap: hello.supportedDtypeBitmap & SERVER_DTYPES,
      acceptedLayoutBitmap: hello.supportedLayoutBitmap & SERVER_LAYOUTS,
      cacheDigestBitmap: cache.enabled ? hello.cacheDigestBitmap : 0,
      cacheObjectBitmap: cache.enabled ? hello.cacheObjectBitmap : 0,
      maxCacheEntries: cache.enabled ? cache.maxObjects : 0,
      maxCacheBytes: cache.enabled ? Math.min(cache.maxBytes, 0xffffffff) : 0,
      maxLaneCount: Math.min(SERVER_MAX_LANES, Math.max(hello.maxLaneCount, SERVER_MAX_LANES)),
      maxConcurrentFrames: options.profile.maxInFlightPerSession,
      targetCadenceX100: 0,
      latencyBudgetMs: 0,
      qualityTier: 0,
      degradePolicy: 0,
      maxBodyBytes: options.profile.maxBodyBytes,
      tokenTtlMs: 0,
      retryAfterMs: 0,
      controlExtensionBytes: body.length,
      serverFlags: cache.enabled ? SERVER_FLAG_CACHE_ENABLED : 0,
    },
    body,
  };
}
