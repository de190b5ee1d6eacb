import fc from 'fast-check';
import { LossTolerancePolicy } from '../../src/messages/data/submit-vocabulary';
import {
  BackpressureLevel,
  ClientHelloMetadata,
  ControlExtensionEntry,
  CORE_TRANSPORT_ID_MAX,
  ErrorMetadata,
  ErrorScope,
  FLOW_FLAGS_MASK,
  FlowScopeKind,
  FlowUpdateMetadata,
  FlowUpdateReason,
  InFlightPolicy,
  LossToleranceAckExtension,
  LossToleranceExtension,
  PATCH_MASK,
  PatchAckStatus,
  PatchRejectReason,
  PayloadCapabilitiesAckExtension,
  PayloadCapabilitiesExtension,
  PriorityClass,
  ResultHintBudgetPolicy,
  ResultHintCongestionState,
  ResultHintMetadata,
  ResultHintReason,
  SERVER_FLAGS_MASK,
  ServerHelloAckMetadata,
  SESSION_FLAGS_ACK_MASK,
  SessionCloseAckMetadata,
  SessionCloseMetadata,
  SessionCloseReason,
  SessionCloseStatus,
  SessionMigrateAckMetadata,
  SessionMigrateMetadata,
  SessionOpenAckMetadata,
  SessionPatchAckMetadata,
  SessionPatchMetadata,
  SessionStatus,
  TensorClampBlock,
  TRANSPORT_ID_MAX,
  TransportId,
  TransportPolicy,
  TransportPolicyAckExtension,
  TransportPolicyExtension,
  TransportProbeAckMetadata,
  TransportProbeMetadata,
} from '../../src/messages/control';
import { PAYLOAD_KIND_MASK } from '../../src/messages/data/payload-kind';
import { bitsOf, bytes, enumOf, u16, u32, u64, u8 } from './control-test-helpers';

// fast-check arbitraries producing only values our encoders accept.

const priorityClass = enumOf(PriorityClass.Interactive, PriorityClass.Background);
const transportPolicy = enumOf(TransportPolicy.Auto, TransportPolicy.ForceWebsocket);
const anyTransportId = enumOf(TransportId.Unspecified, TRANSPORT_ID_MAX);
const migrateTransportId = enumOf(TransportId.Quic, CORE_TRANSPORT_ID_MAX);
const lossTolerance = enumOf(LossTolerancePolicy.Strict, LossTolerancePolicy.FireAndForget);

/** A CLIENT_HELLO that passes `validate_capability_window`. */
export const clientHelloArb: fc.Arbitrary<ClientHelloMetadata> = fc.record({
  minVersionMajor: fc.integer({ min: 0, max: 1 }),
  maxVersionMajor: fc.integer({ min: 1, max: 0xff }),
  supportedWireFormatBitmap: u16.map((value) => value | 1),
  supportedProfileBitmap: fc.integer({ min: 1, max: 0xffffffff }),
  supportedPayloadKindBitmap: fc.integer({ min: 1, max: 0xffffffff }),
  supportedCodecBitmap: u32,
  supportedCompressionBitmap: u32,
  supportedDtypeBitmap: u32,
  supportedLayoutBitmap: u32,
  cacheDigestBitmap: u16,
  cacheObjectBitmap: u16,
  cacheNamespaceCount: u16,
  maxLaneCount: u16,
  maxCacheEntries: u32,
  maxCacheBytes: u32,
  targetCadenceX100: u16,
  latencyBudgetMs: u16,
  qualityTier: u16,
  degradePolicy: u16,
  requestedSessionId: u32,
  authBytes: u32,
  controlExtensionBytes: u32,
});

export const serverHelloAckArb: fc.Arbitrary<ServerHelloAckMetadata> = fc.record({
  selectedVersionMajor: u8,
  selectedWireFormat: u8,
  authStatus: u8,
  sessionId: u32,
  acceptedProfileBitmap: u32,
  acceptedPayloadKindBitmap: u32,
  acceptedCodecBitmap: u32,
  acceptedCompressionBitmap: u32,
  acceptedDtypeBitmap: u32,
  acceptedLayoutBitmap: u32,
  cacheDigestBitmap: u32,
  cacheObjectBitmap: u32,
  maxCacheEntries: u32,
  maxCacheBytes: u32,
  maxLaneCount: u16,
  maxConcurrentFrames: u16,
  targetCadenceX100: u16,
  latencyBudgetMs: u16,
  qualityTier: u16,
  degradePolicy: u16,
  maxBodyBytes: u32,
  tokenTtlMs: u32,
  retryAfterMs: u32,
  controlExtensionBytes: u32,
  serverFlags: bitsOf(SERVER_FLAGS_MASK),
});

export const sessionOpenAckArb: fc.Arbitrary<SessionOpenAckMetadata> = fc.record({
  sessionId: u32,
  acceptedProfileId: u16,
  acceptedPriorityClass: priorityClass,
  sessionStatus: enumOf(SessionStatus.Opened, SessionStatus.Resumed),
  schemaId: u32,
  schemaVersion: u32,
  grantedOperationCredit: u16,
  maxInFlightOperations: u16,
  leaseTtlMs: u32,
  resumeWindowMs: u32,
  resumeTokenBytes: u32,
  sessionExtensionBytes: u32,
  serverSessionTag: u64,
  routeScopeId: u32,
  sessionErrorCode: u32,
  sessionFlagsAck: bitsOf(SESSION_FLAGS_ACK_MASK),
});

export const sessionPatchArb: fc.Arbitrary<SessionPatchMetadata> = fc.record({
  profileId: u16,
  patchMask: bitsOf(PATCH_MASK),
  targetCadenceX100: u32,
  qualityTier: u16,
  degradePolicy: u16,
  activeLaneMask: u64,
  preferredCodecBitmap: u32,
  preferredCompressionBitmap: u32,
  profilePatchBytes: u32,
});

export const sessionPatchAckArb: fc.Arbitrary<SessionPatchAckMetadata> = fc.record({
  ackStatus: enumOf(PatchAckStatus.Accepted, PatchAckStatus.Rejected),
  rejectReason: enumOf(PatchRejectReason.None, PatchRejectReason.RateLimited),
  appliedPatchMask: bitsOf(PATCH_MASK),
  rejectedPatchMask: bitsOf(PATCH_MASK),
  retryAfterMs: u32,
  effectiveProfileId: u16,
  effectiveTargetCadenceX100: u32,
  effectiveQualityTier: u16,
  effectiveDegradePolicy: u16,
  effectiveLaneMask: u64,
  effectiveCodecBitmap: u32,
  effectiveCompressionBitmap: u32,
  profilePatchAckBytes: u32,
});

export const tensorClampBlockArb: fc.Arbitrary<TensorClampBlock> = fc.record({
  minWidth: u32,
  minHeight: u32,
  maxWidth: u32,
  maxHeight: u32,
});

export const sessionCloseArb: fc.Arbitrary<SessionCloseMetadata> = fc.record({
  closeReason: enumOf(SessionCloseReason.Normal, SessionCloseReason.AuthRevoked),
  inFlightPolicy: enumOf(InFlightPolicy.Drain, InFlightPolicy.Abort),
  drainTimeoutMs: u32,
  lastOperationId: u64,
  sessionErrorCode: u32,
  sessionCloseTag: u32,
});

export const sessionCloseAckArb: fc.Arbitrary<SessionCloseAckMetadata> = fc.record({
  closeStatus: enumOf(SessionCloseStatus.Acknowledged, SessionCloseStatus.Rejected),
  lastOperationId: u64,
  sessionErrorCode: u32,
});

export const sessionMigrateArb: fc.Arbitrary<SessionMigrateMetadata> = fc.record({
  oldTransportId: migrateTransportId,
  newTransportId: migrateTransportId,
  lastResultFrameId: u64,
  clientMigrateTsUs: u64,
});

export const sessionMigrateAckArb: fc.Arbitrary<SessionMigrateAckMetadata> = fc.record({
  acceptCode: u32,
  resumeFromFrameId: u64,
  graceWindowMs: u32,
  serverMigrateTsUs: u64,
});

export const errorArb: fc.Arbitrary<ErrorMetadata> = fc.record({
  errorCode: u32,
  errorScope: enumOf(ErrorScope.Connection, ErrorScope.Frame),
  isFatal: fc.boolean(),
  retryAfterMs: u32,
  relatedSessionId: u32,
  relatedFrameId: u32,
  relatedViewId: u32,
  diagnosticBytes: u32,
});

export const flowUpdateArb: fc.Arbitrary<FlowUpdateMetadata> = fc.record({
  scopeKind: enumOf(FlowScopeKind.Connection, FlowScopeKind.Operation),
  updateReason: enumOf(FlowUpdateReason.Grant, FlowUpdateReason.Congestion),
  backpressureLevel: enumOf(BackpressureLevel.None, BackpressureLevel.Hard),
  connectionCredit: u16,
  sessionCredit: u16,
  operationCredit: u16,
  operationId: u64,
  retryAfterMs: u32,
  creditEpoch: u32,
  flowFlags: bitsOf(FLOW_FLAGS_MASK),
});

export const transportProbeArb: fc.Arbitrary<TransportProbeMetadata> = fc.record({
  probeId: u32,
  probePayloadBytes: u32,
  clientSendTsUs: u64,
});

export const transportProbeAckArb: fc.Arbitrary<TransportProbeAckMetadata> = fc.record({
  probeId: u32,
  serverRecvTsUs: u64,
});

export const resultHintArb: fc.Arbitrary<ResultHintMetadata> = fc.record({
  appliedBudgetPolicy: enumOf(ResultHintBudgetPolicy.None, ResultHintBudgetPolicy.Drop),
  congestionState: enumOf(ResultHintCongestionState.None, ResultHintCongestionState.Saturated),
  reason: enumOf(ResultHintReason.None, ResultHintReason.Superseded),
  retryAfterMs: u32,
});

export const transportPolicyExtensionArb: fc.Arbitrary<TransportPolicyExtension> = fc.record({
  transportPolicy,
  preferredTransportId: anyTransportId,
});

export const transportPolicyAckExtensionArb: fc.Arbitrary<TransportPolicyAckExtension> = fc.record({
  transportPolicy,
  acceptedTransportPolicy: transportPolicy,
  activeTransportId: anyTransportId,
});

export const lossToleranceExtensionArb: fc.Arbitrary<LossToleranceExtension> = fc.record({
  sessionLossTolerance: lossTolerance,
});

export const lossToleranceAckExtensionArb: fc.Arbitrary<LossToleranceAckExtension> = fc.record({
  acceptedLossTolerance: lossTolerance,
});

export const payloadCapabilitiesExtensionArb: fc.Arbitrary<PayloadCapabilitiesExtension> =
  fc.record({
    payloadKindBitmap: bitsOf(PAYLOAD_KIND_MASK),
    criticalExtensionFrameBitmap: fc.constant(0),
  });

export const payloadCapabilitiesAckExtensionArb: fc.Arbitrary<PayloadCapabilitiesAckExtension> =
  fc.record({
    acceptedPayloadKindBitmap: bitsOf(PAYLOAD_KIND_MASK),
    acceptedCriticalExtensionFrameBitmap: fc.constant(0),
  });

/** One TLV entry with a non-reserved type, a defined flag set and a random payload. */
export const controlExtensionEntryArb: fc.Arbitrary<ControlExtensionEntry> = fc.record({
  extType: fc.integer({ min: 1, max: 0xffff }),
  extFlags: fc.integer({ min: 0, max: 1 }),
  payload: bytes(40),
});
