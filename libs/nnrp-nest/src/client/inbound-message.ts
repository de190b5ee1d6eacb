import {
  CacheAckMetadata,
  CacheInvalidateMetadata,
  CachePutMetadata,
  ClientHelloMetadata,
  decodeCacheAck,
  decodeCacheInvalidate,
  decodeCachePut,
  decodeClientHello,
  decodeControlExtensions,
  decodeError,
  decodeFlowUpdate,
  decodeFrameSubmit,
  decodeResultHint,
  decodeResultPush,
  decodeServerHelloAck,
  decodeSessionClose,
  decodeSessionCloseAck,
  decodeSessionMigrate,
  decodeSessionMigrateAck,
  decodeSessionOpen,
  decodeSessionOpenAck,
  decodeSessionPatch,
  decodeSessionPatchAck,
  decodeTransportProbe,
  decodeTransportProbeAck,
  ErrorMetadata,
  FlowUpdateMetadata,
  FrameSubmitMetadata,
  MessageType,
  messageTypeInfo,
  messageTypeName,
  NnrpErrorKind,
  NnrpProtocolError,
  Packet,
  PacketHeader,
  ResultHintMetadata,
  ResultPushMetadata,
  ServerHelloAckMetadata,
  SessionCloseAckMetadata,
  SessionCloseMetadata,
  SessionMigrateAckMetadata,
  SessionMigrateMetadata,
  SessionOpenAckMetadata,
  SessionOpenMetadata,
  SessionPatchAckMetadata,
  SessionPatchMetadata,
  TransportProbeAckMetadata,
  TransportProbeMetadata,
  validateCloseHeader,
  validateEmptyControlHeader,
  validateFlowUpdateRouting,
  validateFrameCancelHeader,
  validateResultDropHeader,
} from '@nest-nnrp/protocol';

/**
 * The decoded metadata of each message type (`undefined` for the header-only messages and
 * CLOSE). Server-bound types are decoded too: the client validates whatever arrives.
 */
export interface InboundMetadataMap {
  [MessageType.ClientHello]: ClientHelloMetadata;
  [MessageType.ServerHelloAck]: ServerHelloAckMetadata;
  [MessageType.SessionPatch]: SessionPatchMetadata;
  [MessageType.SessionPatchAck]: SessionPatchAckMetadata;
  [MessageType.Close]: undefined;
  [MessageType.Error]: ErrorMetadata;
  [MessageType.SessionOpen]: SessionOpenMetadata;
  [MessageType.SessionOpenAck]: SessionOpenAckMetadata;
  [MessageType.SessionClose]: SessionCloseMetadata;
  [MessageType.SessionCloseAck]: SessionCloseAckMetadata;
  [MessageType.FrameSubmit]: FrameSubmitMetadata;
  [MessageType.FrameCancel]: undefined;
  [MessageType.ResultPush]: ResultPushMetadata;
  [MessageType.ResultDrop]: undefined;
  [MessageType.CachePut]: CachePutMetadata;
  [MessageType.CacheAck]: CacheAckMetadata;
  [MessageType.CacheInvalidate]: CacheInvalidateMetadata;
  [MessageType.FlowUpdate]: FlowUpdateMetadata;
  [MessageType.ResultHint]: ResultHintMetadata;
  [MessageType.TransportProbe]: TransportProbeMetadata;
  [MessageType.TransportProbeAck]: TransportProbeAckMetadata;
  [MessageType.SessionMigrate]: SessionMigrateMetadata;
  [MessageType.SessionMigrateAck]: SessionMigrateAckMetadata;
  [MessageType.Ping]: undefined;
  [MessageType.Pong]: undefined;
}

/** One validated inbound packet of type `T`. */
export interface InboundMessageOf<T extends MessageType> {
  readonly type: T;
  readonly header: PacketHeader;
  readonly metadata: InboundMetadataMap[T];
  /** A view of the received bytes (never copied). */
  readonly body: Buffer;
}

/** Any validated inbound packet, discriminated by `type`. */
export type InboundMessage = { [T in MessageType]: InboundMessageOf<T> }[MessageType];

type MetadataDecoder<T extends MessageType> = (packet: Packet) => InboundMetadataMap[T];

/**
 * The reference runtime demands exact metadata lengths where the codecs accept longer blocks
 * (control-plane.md §4, "[REC] on receive require exact lengths"); a client has no reason to be
 * laxer for anything it receives.
 */
function requireExactMetaLen(packet: Packet): void {
  const { messageType, metaLen } = packet.header;
  const expected = messageTypeInfo(messageType)?.fixedMetaLen;
  if (metaLen !== expected) {
    const name = messageTypeName(messageType);
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      `${name}.meta_len`,
      `${name}: meta_len must be exactly ${expected}, got ${metaLen}`,
    );
  }
}

function requireBodyLength(packet: Packet, expected: number): void {
  if (packet.body.length !== expected) {
    const name = messageTypeName(packet.header.messageType);
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      `${name}.body_len`,
      `${name}: body_len must be ${expected}, got ${packet.body.length}`,
    );
  }
}

/** A fixed-metadata message: exact length, optionally an empty body, then the codec. */
function fixed<M>(decode: (src: Buffer) => M, emptyBody = false): (packet: Packet) => M {
  return (packet) => {
    requireExactMetaLen(packet);
    if (emptyBody) requireBodyLength(packet, 0);
    return decode(packet.metadata);
  };
}

/** A message without metadata: only the header rule of its type applies. */
function headerOnly(rule: (header: PacketHeader) => void): (packet: Packet) => undefined {
  return (packet) => {
    rule(packet.header);
    return undefined;
  };
}

const EMPTY_BODY = true;
const decodeFlowUpdateMetadata = fixed(decodeFlowUpdate, EMPTY_BODY);
const decodeServerHelloAckMetadata = fixed(decodeServerHelloAck);

const DECODERS: { readonly [T in MessageType]: MetadataDecoder<T> } = {
  [MessageType.ClientHello]: fixed(decodeClientHello),
  [MessageType.ServerHelloAck]: (packet) => {
    const metadata = decodeServerHelloAckMetadata(packet);
    // The body is the control-extension block and nothing else (§4.2).
    requireBodyLength(packet, metadata.controlExtensionBytes);
    decodeControlExtensions(packet.body);
    return metadata;
  },
  [MessageType.SessionPatch]: fixed(decodeSessionPatch),
  [MessageType.SessionPatchAck]: fixed(decodeSessionPatchAck),
  [MessageType.Close]: headerOnly(validateCloseHeader),
  [MessageType.Error]: fixed(decodeError),
  [MessageType.SessionOpen]: fixed(decodeSessionOpen),
  [MessageType.SessionOpenAck]: fixed(decodeSessionOpenAck),
  [MessageType.SessionClose]: fixed(decodeSessionClose),
  [MessageType.SessionCloseAck]: fixed(decodeSessionCloseAck, EMPTY_BODY),
  [MessageType.FrameSubmit]: fixed((src) => decodeFrameSubmit(src)),
  [MessageType.FrameCancel]: headerOnly(validateFrameCancelHeader),
  [MessageType.ResultPush]: fixed(decodeResultPush),
  [MessageType.ResultDrop]: headerOnly(validateResultDropHeader),
  [MessageType.CachePut]: fixed(decodeCachePut),
  [MessageType.CacheAck]: fixed(decodeCacheAck, EMPTY_BODY),
  [MessageType.CacheInvalidate]: fixed(decodeCacheInvalidate, EMPTY_BODY),
  [MessageType.FlowUpdate]: (packet) => {
    const metadata = decodeFlowUpdateMetadata(packet);
    // The Rust client checks the routing rules on receipt (§4.15).
    validateFlowUpdateRouting(packet.header.sessionId, metadata);
    return metadata;
  },
  [MessageType.ResultHint]: fixed(decodeResultHint, EMPTY_BODY),
  [MessageType.TransportProbe]: fixed(decodeTransportProbe),
  [MessageType.TransportProbeAck]: fixed(decodeTransportProbeAck, EMPTY_BODY),
  [MessageType.SessionMigrate]: fixed(decodeSessionMigrate),
  [MessageType.SessionMigrateAck]: fixed(decodeSessionMigrateAck, EMPTY_BODY),
  [MessageType.Ping]: headerOnly(validateEmptyControlHeader),
  [MessageType.Pong]: headerOnly(validateEmptyControlHeader),
};

/**
 * Validates a framed packet with the codec (metadata decoder, exact lengths, header-only rules,
 * FLOW_UPDATE routing) and types it. Throws {@link NnrpProtocolError} on any violation.
 */
export function decodeInbound(packet: Packet): InboundMessage {
  const type = packet.header.messageType;
  const decode: (packet: Packet) => InboundMetadataMap[MessageType] = DECODERS[type];
  // TypeScript cannot correlate `type` with the decoder's result; the table guarantees it.
  return {
    type,
    header: packet.header,
    metadata: decode(packet),
    body: packet.body,
  } as InboundMessage;
}

/** Narrows `message` to type `T`, or throws when it is another type. */
export function expectInbound<T extends MessageType>(
  message: InboundMessage,
  type: T,
): InboundMessageOf<T> {
  if (message.type !== type) {
    throw new NnrpProtocolError(
      NnrpErrorKind.InvalidProtocolCombination,
      'message_type',
      `expected ${messageTypeName(type)}, got ${messageTypeName(message.type)}`,
    );
  }
  return message as InboundMessageOf<T>;
}
