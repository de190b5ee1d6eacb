import {
  EMPTY_RESULT_PUSH,
  ClientHelloMetadata,
  encodeControlExtensions,
  encodeError,
  encodePacket,
  encodeResultPush,
  encodeServerHelloAck,
  encodeSessionCloseAck,
  encodeSessionMigrateAck,
  encodeSessionOpenAck,
  encodeSessionPatchAck,
  encodeTransportProbeAck,
  ErrorMetadata,
  ErrorScope,
  HeaderFlag,
  MessageType,
  PatchAckStatus,
  PatchRejectReason,
  ResultClass,
  ResultFlag,
  ResultPushMetadata,
  ServerHelloAckMetadata,
  SessionCloseStatus,
  SessionMigrateMetadata,
  SessionOpenAckMetadata,
  SessionOpenMetadata,
  SessionPatchAckMetadata,
  SessionStatus,
} from '@nest-nnrp/protocol';

// Canned server packets, built with the codec, for the scripted peer.

/** SERVER_HELLO_ACK accepting everything the hello offered. */
export function helloAckPacket(
  sessionId: number,
  hello: ClientHelloMetadata,
  overrides: Partial<ServerHelloAckMetadata> = {},
): Buffer {
  const body = encodeControlExtensions([]);
  const metadata: ServerHelloAckMetadata = {
    selectedVersionMajor: 1,
    selectedWireFormat: 0,
    authStatus: 0,
    sessionId,
    acceptedProfileBitmap: hello.supportedProfileBitmap,
    acceptedPayloadKindBitmap: hello.supportedPayloadKindBitmap,
    acceptedCodecBitmap: hello.supportedCodecBitmap,
    acceptedCompressionBitmap: hello.supportedCompressionBitmap,
    acceptedDtypeBitmap: hello.supportedDtypeBitmap,
    acceptedLayoutBitmap: hello.supportedLayoutBitmap,
    cacheDigestBitmap: 0,
    cacheObjectBitmap: 0,
    maxCacheEntries: 0,
    maxCacheBytes: 0,
    maxLaneCount: 1,
    maxConcurrentFrames: 4,
    targetCadenceX100: 0,
    latencyBudgetMs: 0,
    qualityTier: 0,
    degradePolicy: 0,
    maxBodyBytes: 1024,
    tokenTtlMs: 0,
    retryAfterMs: 0,
    controlExtensionBytes: body.length,
    serverFlags: 0,
    ...overrides,
  };
  return encodePacket(
    { messageType: MessageType.ServerHelloAck, sessionId, flags: HeaderFlag.AckRequired },
    encodeServerHelloAck(metadata),
    body,
  );
}

/** SESSION_OPEN_ACK: `opened` with `sessionId`, or `rejected` (id 0) with `errorCode`. */
export function openAckPacket(
  request: SessionOpenMetadata,
  outcome: { sessionId: number } | { rejectWith: number },
): Buffer {
  const accepted = 'sessionId' in outcome;
  const sessionId = accepted ? outcome.sessionId : 0;
  const metadata: SessionOpenAckMetadata = {
    sessionId,
    acceptedProfileId: request.profileId,
    acceptedPriorityClass: request.priorityClass,
    sessionStatus: accepted ? SessionStatus.Opened : SessionStatus.Rejected,
    schemaId: request.schemaId,
    schemaVersion: request.schemaVersion,
    grantedOperationCredit: 2,
    maxInFlightOperations: 4,
    leaseTtlMs: 30000,
    resumeWindowMs: 120000,
    resumeTokenBytes: 0,
    sessionExtensionBytes: 0,
    serverSessionTag: BigInt(sessionId),
    routeScopeId: 0,
    sessionErrorCode: accepted ? 0 : outcome.rejectWith,
    sessionFlagsAck: 0,
  };
  return encodePacket(
    { messageType: MessageType.SessionOpenAck, sessionId },
    encodeSessionOpenAck(metadata),
  );
}

/** RESULT_PUSH metadata of a complete, non-tensor result. */
export const COMPLETE_RESULT: Readonly<ResultPushMetadata> = Object.freeze({
  ...EMPTY_RESULT_PUSH,
  activeProfileId: 2,
});

/** How a result says "partial" (decisions.md §12 sets both). */
export type PartialMarking = 'flag' | 'class' | 'both';

/** RESULT_PUSH for a frame: terminal, or partial marked as asked. */
export function resultPacket(
  sessionId: number,
  frameId: number,
  body: string,
  partial?: PartialMarking,
): Buffer {
  const flag = partial === 'flag' || partial === 'both' ? ResultFlag.Partial : 0;
  const resultClass =
    partial === 'class' || partial === 'both' ? ResultClass.Partial : ResultClass.Complete;
  return encodePacket(
    { messageType: MessageType.ResultPush, sessionId, frameId },
    encodeResultPush({ ...COMPLETE_RESULT, resultFlags: flag, resultClass }),
    Buffer.from(body, 'utf8'),
  );
}

/** RESULT_DROP for a frame. */
export function dropPacket(sessionId: number, frameId: number): Buffer {
  return encodePacket({ messageType: MessageType.ResultDrop, sessionId, frameId });
}

/** SESSION_PATCH_ACK accepting `appliedPatchMask`. */
export function patchAckPacket(sessionId: number, appliedPatchMask: number): Buffer {
  const metadata: SessionPatchAckMetadata = {
    ackStatus: PatchAckStatus.Accepted,
    rejectReason: PatchRejectReason.None,
    appliedPatchMask,
    rejectedPatchMask: 0,
    retryAfterMs: 0,
    effectiveProfileId: 2,
    effectiveTargetCadenceX100: 0,
    effectiveQualityTier: 0,
    effectiveDegradePolicy: 0,
    effectiveLaneMask: 0n,
    effectiveCodecBitmap: 0,
    effectiveCompressionBitmap: 0,
    profilePatchAckBytes: 0,
  };
  return encodePacket(
    { messageType: MessageType.SessionPatchAck, sessionId },
    encodeSessionPatchAck(metadata),
  );
}

/** SESSION_CLOSE_ACK (`closed` unless told otherwise), echoing the watermark. */
export function closeAckPacket(
  sessionId: number,
  lastOperationId: bigint,
  closeStatus = SessionCloseStatus.Closed,
): Buffer {
  return encodePacket(
    { messageType: MessageType.SessionCloseAck, sessionId },
    encodeSessionCloseAck({ closeStatus, lastOperationId, sessionErrorCode: 0 }),
  );
}

/** SESSION_MIGRATE_ACK accepting a request, resuming from `resumeFrom`. */
export function migrateAckPacket(
  sessionId: number,
  request: SessionMigrateMetadata,
  resumeFrom = request.lastResultFrameId,
): Buffer {
  return encodePacket(
    { messageType: MessageType.SessionMigrateAck, sessionId },
    encodeSessionMigrateAck({
      acceptCode: 0,
      resumeFromFrameId: resumeFrom,
      graceWindowMs: 1000,
      serverMigrateTsUs: 1n,
    }),
  );
}

/** ERROR with a UTF-8 diagnostic. */
export function errorPacket(fields: Partial<ErrorMetadata>, diagnostic = ''): Buffer {
  const body = Buffer.from(diagnostic, 'utf8');
  const metadata: ErrorMetadata = {
    errorCode: 0,
    errorScope: ErrorScope.Connection,
    isFatal: false,
    retryAfterMs: 0,
    relatedSessionId: 0,
    relatedFrameId: 0,
    relatedViewId: 0,
    diagnosticBytes: body.length,
    ...fields,
  };
  return encodePacket({ messageType: MessageType.Error }, encodeError(metadata), body);
}

/** TRANSPORT_PROBE_ACK echoing `probeId`. */
export function probeAckPacket(probeId: number): Buffer {
  return encodePacket(
    { messageType: MessageType.TransportProbeAck },
    encodeTransportProbeAck({ probeId, serverRecvTsUs: 1n }),
  );
}
