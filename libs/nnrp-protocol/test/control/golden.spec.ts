import { HEADER_LEN } from '../../src/header/packet-header';
import { MessageType } from '../../src/header/message-type';
import {
  BackpressureLevel,
  ClientHelloMetadata,
  decodeClientHello,
  decodeFlowUpdate,
  decodeSessionClose,
  decodeSessionCloseAck,
  decodeSessionOpen,
  decodeSessionOpenAck,
  decodeSessionPatch,
  decodeSessionPatchAck,
  encodeClientHello,
  encodeFlowUpdate,
  encodeSessionClose,
  encodeSessionCloseAck,
  encodeSessionOpen,
  encodeSessionOpenAck,
  encodeSessionPatch,
  encodeSessionPatchAck,
  FlowFlag,
  FlowScopeKind,
  FlowUpdateMetadata,
  FlowUpdateReason,
  InFlightPolicy,
  PatchAckStatus,
  PatchRejectReason,
  PriorityClass,
  SessionCloseAckMetadata,
  SessionCloseMetadata,
  SessionCloseReason,
  SessionCloseStatus,
  SessionOpenAckMetadata,
  SessionOpenMetadata,
  SessionPatchAckMetadata,
  SessionPatchMetadata,
  SessionStatus,
  validateFlowUpdateRouting,
} from '../../src/messages/control';
import { decodePacket, encodePacket, PacketAddress } from '../../src/packet/packet';
import { hex } from './control-test-helpers';

// Byte-exact golden vectors printed in control-plane.md §1.4 and §4, with the field values the
// spec gives for them. Each is decoded to those values and encoded back to the same bytes.

interface Golden<T> {
  name: string;
  bytes: string;
  value: T;
  decode(src: Buffer): T;
  encode(m: T): Buffer;
}

function golden<T>(g: Golden<T>): Golden<unknown> {
  return g as Golden<unknown>;
}

const METADATA_GOLDENS: readonly Golden<unknown>[] = [
  golden<ClientHelloMetadata>({
    name: 'CLIENT_HELLO (§4.1)',
    bytes: `01 01 0100 01000000 01000000 03000000 03000000 21000000 03000000 0100 0700 0100 0200
      40000000 00000100 7017 6400 0200 0000 00000000 60000000 00000000`,
    value: {
      minVersionMajor: 1,
      maxVersionMajor: 1,
      supportedWireFormatBitmap: 0x0001,
      supportedProfileBitmap: 0x0001,
      supportedPayloadKindBitmap: 0x0001,
      supportedCodecBitmap: 0x0003,
      supportedCompressionBitmap: 0x0003,
      supportedDtypeBitmap: 0x0021,
      supportedLayoutBitmap: 0x0003,
      cacheDigestBitmap: 0x0001,
      cacheObjectBitmap: 0x0007,
      cacheNamespaceCount: 1,
      maxLaneCount: 2,
      maxCacheEntries: 64,
      maxCacheBytes: 65536,
      targetCadenceX100: 6000,
      latencyBudgetMs: 100,
      qualityTier: 2,
      degradePolicy: 0,
      requestedSessionId: 0,
      authBytes: 96,
      controlExtensionBytes: 0,
    },
    decode: decodeClientHello,
    encode: encodeClientHello,
  }),
  golden<SessionOpenMetadata>({
    name: 'SESSION_OPEN (§4.4)',
    bytes: `2A000000 0200 01 05 01100000 03000000 F4010000 0400 0000 30750000 10000000 20000000
      08000000 EFCDAB8967452301`,
    value: {
      requestedSessionId: 42,
      profileId: 2,
      priorityClass: PriorityClass.Balanced,
      sessionFlags: 0x05,
      schemaId: 0x1001,
      schemaVersion: 3,
      defaultDeadlineMs: 500,
      maxInFlightOperations: 4,
      leaseTtlHintMs: 30000,
      resumeTokenBytes: 16,
      authBytes: 32,
      sessionExtensionBytes: 8,
      clientSessionTag: 0x0123456789abcdefn,
    },
    decode: decodeSessionOpen,
    encode: encodeSessionOpen,
  }),
  golden<SessionOpenAckMetadata>({
    name: 'SESSION_OPEN_ACK (§4.5)',
    bytes: `2A000000 0200 01 00 01100000 03000000 0200 0400 30750000 C0D40100 10000000 08000000
      21436587A9CBED0F 07000000 00000000 05000000`,
    value: {
      sessionId: 42,
      acceptedProfileId: 2,
      acceptedPriorityClass: PriorityClass.Balanced,
      sessionStatus: SessionStatus.Opened,
      schemaId: 0x1001,
      schemaVersion: 3,
      grantedOperationCredit: 2,
      maxInFlightOperations: 4,
      leaseTtlMs: 30000,
      resumeWindowMs: 120000,
      resumeTokenBytes: 16,
      sessionExtensionBytes: 8,
      serverSessionTag: 0x0fedcba987654321n,
      routeScopeId: 7,
      sessionErrorCode: 0,
      sessionFlagsAck: 0x05,
    },
    decode: decodeSessionOpenAck,
    encode: encodeSessionOpenAck,
  }),
  golden<SessionPatchMetadata>({
    name: 'SESSION_PATCH (§4.6)',
    bytes: '1D00 0000 5D000000 28230000 6801 0500 0300000000000000 05000000 00000000 10000000',
    value: {
      profileId: 29,
      patchMask: 0x5d,
      targetCadenceX100: 9000,
      qualityTier: 360,
      degradePolicy: 5,
      activeLaneMask: 3n,
      preferredCodecBitmap: 5,
      preferredCompressionBitmap: 0,
      profilePatchBytes: 16,
    },
    decode: decodeSessionPatch,
    encode: encodeSessionPatch,
  }),
  golden<SessionPatchAckMetadata>({
    name: 'SESSION_PATCH_ACK (§4.7)',
    bytes: `0100 0300 11000000 44000000 00000000 0200 0000 28230000 6801 0500 0300000000000000
      01000000 03000000 10000000`,
    value: {
      ackStatus: PatchAckStatus.PartiallyApplied,
      rejectReason: PatchRejectReason.UnsupportedStrategy,
      appliedPatchMask: 0x11,
      rejectedPatchMask: 0x44,
      retryAfterMs: 0,
      effectiveProfileId: 2,
      effectiveTargetCadenceX100: 9000,
      effectiveQualityTier: 360,
      effectiveDegradePolicy: 5,
      effectiveLaneMask: 3n,
      effectiveCodecBitmap: 1,
      effectiveCompressionBitmap: 3,
      profilePatchAckBytes: 16,
    },
    decode: decodeSessionPatchAck,
    encode: encodeSessionPatchAck,
  }),
  golden<SessionCloseMetadata>({
    name: 'SESSION_CLOSE (§4.8)',
    bytes: '0100 00 00 E8030000 6300000000000000 00000000 44332211',
    value: {
      closeReason: SessionCloseReason.ClientShutdown,
      inFlightPolicy: InFlightPolicy.Drain,
      drainTimeoutMs: 1000,
      lastOperationId: 99n,
      sessionErrorCode: 0,
      sessionCloseTag: 0x11223344,
    },
    decode: decodeSessionClose,
    encode: encodeSessionClose,
  }),
  golden<SessionCloseAckMetadata>({
    name: 'SESSION_CLOSE_ACK (§4.9)',
    bytes: '01 00 0000 6300000000000000 00000000',
    value: {
      closeStatus: SessionCloseStatus.Draining,
      lastOperationId: 99n,
      sessionErrorCode: 0,
    },
    decode: decodeSessionCloseAck,
    encode: encodeSessionCloseAck,
  }),
];

describe.each(METADATA_GOLDENS)('golden $name', (g) => {
  it('decodes to the spec values', () => {
    expect(g.decode(hex(g.bytes))).toEqual(g.value);
  });

  it('encodes the spec values to the golden bytes', () => {
    expect(g.encode(g.value).toString('hex')).toBe(hex(g.bytes).toString('hex'));
  });
});

interface FlowGolden {
  name: string;
  header: string;
  address: PacketAddress;
  metadata: string;
  value: FlowUpdateMetadata;
}

const FLOW_GOLDENS: readonly FlowGolden[] = [
  {
    name: 'session / hard (§1.4, §4.15)',
    header:
      '4E4E5250 01 00 17 28 00000000 20000000 00000000 2A000000 00000000 0000 0900 8877665544332211',
    address: {
      messageType: MessageType.FlowUpdate,
      sessionId: 42,
      routeId: 9,
      traceId: 0x1122334455667788n,
    },
    metadata: '01 04 02 00 0000 0200 0000 0000 0000000000000000 78000000 07000000 03000000',
    value: {
      scopeKind: FlowScopeKind.Session,
      updateReason: FlowUpdateReason.Congestion,
      backpressureLevel: BackpressureLevel.Hard,
      connectionCredit: 0,
      sessionCredit: 2,
      operationCredit: 0,
      operationId: 0n,
      retryAfterMs: 120,
      creditEpoch: 7,
      flowFlags: FlowFlag.CreditValid | FlowFlag.RetryAfterValid,
    },
  },
  {
    name: 'connection / grant (§4.15)',
    header:
      '4E4E5250 01 00 17 28 00000000 20000000 00000000 00000000 00000000 0000 0300 0807060504030201',
    address: { messageType: MessageType.FlowUpdate, routeId: 3, traceId: 0x0102030405060708n },
    metadata: '00 00 01 00 0600 0000 0000 0000 0000000000000000 00000000 0B000000 01000000',
    value: {
      scopeKind: FlowScopeKind.Connection,
      updateReason: FlowUpdateReason.Grant,
      backpressureLevel: BackpressureLevel.Soft,
      connectionCredit: 6,
      sessionCredit: 0,
      operationCredit: 0,
      operationId: 0n,
      retryAfterMs: 0,
      creditEpoch: 11,
      flowFlags: FlowFlag.CreditValid,
    },
  },
  {
    name: 'operation / pause (§4.15)',
    header:
      '4E4E5250 01 00 17 28 00000000 20000000 00000000 2A000000 00000000 0000 0900 1122334455667788',
    address: {
      messageType: MessageType.FlowUpdate,
      sessionId: 42,
      routeId: 9,
      traceId: 0x8877665544332211n,
    },
    metadata: '02 02 02 00 0000 0000 0100 0000 3412000000000000 FA000000 0C000000 0B000000',
    value: {
      scopeKind: FlowScopeKind.Operation,
      updateReason: FlowUpdateReason.Pause,
      backpressureLevel: BackpressureLevel.Hard,
      connectionCredit: 0,
      sessionCredit: 0,
      operationCredit: 1,
      operationId: 0x1234n,
      retryAfterMs: 250,
      creditEpoch: 12,
      flowFlags: FlowFlag.CreditValid | FlowFlag.RetryAfterValid | FlowFlag.DrainInFlightOnly,
    },
  },
];

describe.each(FLOW_GOLDENS)('golden FLOW_UPDATE packet $name', (g) => {
  const packetHex = hex(g.header + g.metadata).toString('hex');

  it('is built byte for byte from its header fields and metadata', () => {
    const packet = encodePacket(g.address, encodeFlowUpdate(g.value));
    expect(packet.length).toBe(HEADER_LEN + 32);
    expect(packet.toString('hex')).toBe(packetHex);
  });

  it('decodes to the spec values and passes the routing rules', () => {
    const packet = decodePacket(Buffer.from(packetHex, 'hex'));
    expect(packet.header).toMatchObject({ ...g.address, sessionId: g.address.sessionId ?? 0 });
    const metadata = decodeFlowUpdate(packet.metadata);
    expect(metadata).toEqual(g.value);
    expect(() => validateFlowUpdateRouting(packet.header.sessionId, metadata)).not.toThrow();
    expect(packet.body.length).toBe(0);
  });
});
