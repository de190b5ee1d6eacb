import {
  ClientHelloMetadata,
  FrameSubmitMetadata,
  InFlightPolicy,
  PAYLOAD_KIND_MASK,
  PriorityClass,
  ProfileId,
  profileBitmap,
  SessionCloseReason,
  SessionOpenMetadata,
  SessionPatchMetadata,
  TOKEN_DELTA_SCHEMA_ID,
  TOKEN_DELTA_SCHEMA_VERSION,
  VERSION_MAJOR,
  WIRE_FORMAT,
  EMPTY_FRAME_SUBMIT,
} from '@nest-nnrp/protocol';

// Defaults of the messages the client sends. Every value here passes the reference decoders.

/** The Python reference's capability values (control-plane.md §4.2). */
const PYTHON_CODEC_BITMAP = 0x0003;
const PYTHON_COMPRESSION_BITMAP = 0x0003;
const PYTHON_DTYPE_BITMAP = 0x001f;
const PYTHON_LAYOUT_BITMAP = 0x0003;
const SINGLE_LANE = 1;

/**
 * CLIENT_HELLO defaults: NNRP/1 only, wire format 0, both tensor and token profiles, every
 * payload kind, the Python reference's codec/compression/dtype/layout bitmaps, no cache.
 */
export const DEFAULT_CLIENT_HELLO: Readonly<
  Omit<ClientHelloMetadata, 'authBytes' | 'controlExtensionBytes'>
> = Object.freeze({
  minVersionMajor: VERSION_MAJOR,
  maxVersionMajor: VERSION_MAJOR,
  supportedWireFormatBitmap: 1 << WIRE_FORMAT,
  supportedProfileBitmap: profileBitmap([ProfileId.Tensor, ProfileId.Token]),
  supportedPayloadKindBitmap: PAYLOAD_KIND_MASK,
  supportedCodecBitmap: PYTHON_CODEC_BITMAP,
  supportedCompressionBitmap: PYTHON_COMPRESSION_BITMAP,
  supportedDtypeBitmap: PYTHON_DTYPE_BITMAP,
  supportedLayoutBitmap: PYTHON_LAYOUT_BITMAP,
  cacheDigestBitmap: 0,
  cacheObjectBitmap: 0,
  cacheNamespaceCount: 0,
  maxLaneCount: SINGLE_LANE,
  maxCacheEntries: 0,
  maxCacheBytes: 0,
  targetCadenceX100: 0,
  latencyBudgetMs: 0,
  qualityTier: 0,
  degradePolicy: 0,
  requestedSessionId: 0,
});

/**
 * SESSION_OPEN defaults: what a default server accepts (token profile with the standard
 * token-delta schema, control-plane.md §6.2), server-assigned id, no hints, no blocks.
 */
export const DEFAULT_SESSION_OPEN: Readonly<SessionOpenMetadata> = Object.freeze({
  requestedSessionId: 0,
  profileId: ProfileId.Token,
  priorityClass: PriorityClass.Interactive,
  sessionFlags: 0,
  schemaId: TOKEN_DELTA_SCHEMA_ID,
  schemaVersion: TOKEN_DELTA_SCHEMA_VERSION,
  defaultDeadlineMs: 0,
  maxInFlightOperations: 0,
  leaseTtlHintMs: 0,
  resumeTokenBytes: 0,
  authBytes: 0,
  sessionExtensionBytes: 0,
  clientSessionTag: 0n,
});

/** The all-zero FRAME_SUBMIT: valid (no payload kind, inline, data-plane.md §2.2). */
export const DEFAULT_FRAME_SUBMIT: Readonly<FrameSubmitMetadata> = EMPTY_FRAME_SUBMIT;

/** The empty SESSION_PATCH (no field selected). */
export const DEFAULT_SESSION_PATCH: Readonly<SessionPatchMetadata> = Object.freeze({
  profileId: 0,
  patchMask: 0,
  targetCadenceX100: 0,
  qualityTier: 0,
  degradePolicy: 0,
  activeLaneMask: 0n,
  preferredCodecBitmap: 0,
  preferredCompressionBitmap: 0,
  profilePatchBytes: 0,
});

/** SESSION_CLOSE fields that do not depend on the session (as the Rust client sends them). */
export const DEFAULT_SESSION_CLOSE = Object.freeze({
  closeReason: SessionCloseReason.ClientShutdown,
  inFlightPolicy: InFlightPolicy.Drain,
  drainTimeoutMs: 0,
  sessionErrorCode: 0,
});
