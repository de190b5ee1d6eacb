import { decodeHeader, encodeHeader, PacketHeader } from '../../src/header/packet-header';
import { MessageType, messageTypeByName } from '../../src/header/message-type';
import {
  decodeClientHello,
  decodeError,
  decodeFlowUpdate,
  decodeResultHint,
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
  encodeClientHello,
  encodeError,
  encodeFlowUpdate,
  encodeResultHint,
  encodeServerHelloAck,
  encodeSessionClose,
  encodeSessionCloseAck,
  encodeSessionMigrate,
  encodeSessionMigrateAck,
  encodeSessionOpen,
  encodeSessionOpenAck,
  encodeSessionPatch,
  encodeSessionPatchAck,
  encodeTransportProbe,
  encodeTransportProbeAck,
  FlowUpdateMetadata,
  validateFlowUpdateRouting,
} from '../../src/messages/control';
import {
  validateCloseHeader,
  validateEmptyControlHeader,
  validateFrameCancelHeader,
  validateResultDropHeader,
} from '../../src/packet/header-only-rules';
import { decodePacket, encodePacket, Packet } from '../../src/packet/packet';
import {
  constant,
  FieldSpec,
  flagNames,
  hexNumber,
  mapFields,
  named,
  num,
  same,
  to,
  u64,
} from './vector-fields';
import { VectorRecipe, VectorRecipeTable } from './vector-recipe';

// Recipes for every control-plane and header recipe_type of vectors.json. Name → value maps
// are written out from the spec tables (control-plane.md §1.3, §5) so they check our enums
// instead of trusting them.

const HEADER_FLAGS = {
  ack_required: 0x01,
  can_drop: 0x02,
  stale: 0x04,
  eos: 0x08,
  retransmit: 0x10,
  keyframe: 0x20,
};
const PRIORITY_CLASS = { interactive: 0, balanced: 1, background: 2 };
const SESSION_STATUS = { opened: 0, rejected: 1, retry_later: 2, resumed: 3 };
const CLOSE_REASON = {
  normal: 0,
  client_shutdown: 1,
  server_shutdown: 2,
  idle_timeout: 3,
  protocol_error: 4,
  auth_revoked: 5,
};
const IN_FLIGHT_POLICY = { drain: 0, abort: 1 };
const CLOSE_STATUS = { acknowledged: 0, draining: 1, closed: 2, rejected: 3 };
const SCOPE_KIND = { connection: 0, session: 1, operation: 2 };
const UPDATE_REASON = { grant: 0, reduce: 1, pause: 2, resume: 3, congestion: 4 };
const BACKPRESSURE_LEVEL = { none: 0, soft: 1, hard: 2 };
const FLOW_FLAGS = {
  credit_valid: 0x01,
  retry_after_valid: 0x02,
  background_only: 0x04,
  drain_in_flight_only: 0x08,
};
const ERROR_SCOPE = { connection: 0, session: 1, frame: 2 };

const messageTypeName = (value: unknown, field: string): unknown => {
  const info = typeof value === 'string' ? messageTypeByName(value) : undefined;
  if (!info) throw new Error(`vector field ${field}: unknown message type ${String(value)}`);
  return info.type;
};

const HEADER_SPEC: FieldSpec = {
  version_major: constant(1),
  wire_format: constant(0),
  header_len: constant(40),
  message_type: to('messageType', messageTypeName),
  message_type_code: to('messageType', num),
  flags: to('flags', flagNames(HEADER_FLAGS)),
  flags_raw: to('flags', num),
  trace_id: to('traceId', u64),
  ...same(num, 'meta_len', 'body_len', 'session_id', 'frame_id', 'view_id', 'route_id'),
};

const SESSION_OPEN_SPEC: FieldSpec = {
  priority_class: to('priorityClass', named(PRIORITY_CLASS)),
  client_session_tag: to('clientSessionTag', u64),
  ...same(
    num,
    'requested_session_id',
    'profile_id',
    'session_flags',
    'schema_id',
    'schema_version',
    'default_deadline_ms',
    'max_in_flight_operations',
    'lease_ttl_hint_ms',
    'resume_token_bytes',
    'auth_bytes',
    'session_extension_bytes',
  ),
};

const SESSION_OPEN_ACK_SPEC: FieldSpec = {
  accepted_priority_class: to('acceptedPriorityClass', named(PRIORITY_CLASS)),
  session_status: to('sessionStatus', named(SESSION_STATUS)),
  server_session_tag: to('serverSessionTag', u64),
  session_error_code_hex: to('sessionErrorCode', hexNumber),
  ...same(
    num,
    'session_id',
    'accepted_profile_id',
    'schema_id',
    'schema_version',
    'granted_operation_credit',
    'max_in_flight_operations',
    'lease_ttl_ms',
    'resume_window_ms',
    'resume_token_bytes',
    'session_extension_bytes',
    'route_scope_id',
    'session_error_code',
    'session_flags_ack',
  ),
};

const SESSION_CLOSE_SPEC: FieldSpec = {
  close_reason: to('closeReason', named(CLOSE_REASON)),
  in_flight_policy: to('inFlightPolicy', named(IN_FLIGHT_POLICY)),
  last_operation_id: to('lastOperationId', u64),
  ...same(num, 'drain_timeout_ms', 'session_error_code', 'session_close_tag'),
};

const SESSION_CLOSE_ACK_SPEC: FieldSpec = {
  close_status: to('closeStatus', named(CLOSE_STATUS)),
  last_operation_id: to('lastOperationId', u64),
  session_error_code: to('sessionErrorCode', num),
};

const FLOW_UPDATE_SPEC: FieldSpec = {
  scope_kind: to('scopeKind', named(SCOPE_KIND)),
  update_reason: to('updateReason', named(UPDATE_REASON)),
  backpressure_level: to('backpressureLevel', named(BACKPRESSURE_LEVEL)),
  operation_id: to('operationId', u64),
  flow_update_flags: to('flowFlags', flagNames(FLOW_FLAGS)),
  flow_flags_raw: to('flowFlags', num),
  ...same(
    num,
    'connection_credit',
    'session_credit',
    'operation_credit',
    'retry_after_ms',
    'credit_epoch',
    'flow_flags',
  ),
};

const SESSION_MIGRATE_SPEC: FieldSpec = {
  ...same(num, 'old_transport_id', 'new_transport_id'),
  ...same(u64, 'last_result_frame_id', 'client_migrate_ts_us'),
};

const SESSION_PATCH_SPEC: FieldSpec = {
  active_lane_mask: to('activeLaneMask', u64),
  ...same(
    num,
    'profile_id',
    'patch_mask',
    'target_cadence_x100',
    'quality_tier',
    'degrade_policy',
    'preferred_codec_bitmap',
    'preferred_compression_bitmap',
    'profile_patch_bytes',
  ),
};

const ERROR_SPEC: FieldSpec = {
  error_scope: to('errorScope', named(ERROR_SCOPE)),
  is_fatal: to('isFatal', (value) => value === 1 || value === true),
  ...same(
    num,
    'error_code',
    'retry_after_ms',
    'related_session_id',
    'related_frame_id',
    'related_view_id',
    'diagnostic_bytes',
  ),
};

const CLIENT_HELLO_SPEC: FieldSpec = same(
  num,
  'min_version_major',
  'max_version_major',
  'supported_wire_format_bitmap',
  'supported_profile_bitmap',
  'supported_payload_kind_bitmap',
  'supported_codec_bitmap',
  'supported_compression_bitmap',
  'supported_dtype_bitmap',
  'supported_layout_bitmap',
  'cache_digest_bitmap',
  'cache_object_bitmap',
  'cache_namespace_count',
  'max_lane_count',
  'max_cache_entries',
  'max_cache_bytes',
  'target_cadence_x100',
  'latency_budget_ms',
  'quality_tier',
  'degrade_policy',
  'requested_session_id',
  'auth_bytes',
  'control_extension_bytes',
);

const SERVER_HELLO_ACK_SPEC: FieldSpec = same(
  num,
  'selected_version_major',
  'selected_wire_format',
  'auth_status',
  'session_id',
  'accepted_profile_bitmap',
  'accepted_payload_kind_bitmap',
  'accepted_codec_bitmap',
  'accepted_compression_bitmap',
  'accepted_dtype_bitmap',
  'accepted_layout_bitmap',
  'cache_digest_bitmap',
  'cache_object_bitmap',
  'max_cache_entries',
  'max_cache_bytes',
  'max_lane_count',
  'max_concurrent_frames',
  'target_cadence_x100',
  'latency_budget_ms',
  'quality_tier',
  'degrade_policy',
  'max_body_bytes',
  'token_ttl_ms',
  'retry_after_ms',
  'control_extension_bytes',
  'server_flags',
);

/** One metadata codec as the recipes drive it. */
interface MetadataCodec {
  decode(src: Buffer): unknown;
  encode(m: unknown): Buffer;
}

function codec<T>(decode: (src: Buffer) => T, encode: (m: T) => Buffer): MetadataCodec {
  return { decode, encode: (m) => encode(m as T) };
}

const CLIENT_HELLO = codec(decodeClientHello, encodeClientHello);
const SERVER_HELLO_ACK = codec(decodeServerHelloAck, encodeServerHelloAck);
const SESSION_OPEN = codec(decodeSessionOpen, encodeSessionOpen);
const SESSION_OPEN_ACK = codec(decodeSessionOpenAck, encodeSessionOpenAck);
const SESSION_PATCH = codec(decodeSessionPatch, encodeSessionPatch);
const SESSION_CLOSE = codec(decodeSessionClose, encodeSessionClose);
const SESSION_CLOSE_ACK = codec(decodeSessionCloseAck, encodeSessionCloseAck);
const SESSION_MIGRATE = codec(decodeSessionMigrate, encodeSessionMigrate);
const ERROR = codec(decodeError, encodeError);
const FLOW_UPDATE = codec(decodeFlowUpdate, encodeFlowUpdate);

/** The control codec of each message type with fixed metadata, for the generic `packet` recipe. */
const CONTROL_CODECS: Partial<Record<MessageType, MetadataCodec>> = {
  [MessageType.ClientHello]: CLIENT_HELLO,
  [MessageType.ServerHelloAck]: SERVER_HELLO_ACK,
  [MessageType.SessionPatch]: SESSION_PATCH,
  [MessageType.SessionPatchAck]: codec(decodeSessionPatchAck, encodeSessionPatchAck),
  [MessageType.Error]: ERROR,
  [MessageType.SessionOpen]: SESSION_OPEN,
  [MessageType.SessionOpenAck]: SESSION_OPEN_ACK,
  [MessageType.SessionClose]: SESSION_CLOSE,
  [MessageType.SessionCloseAck]: SESSION_CLOSE_ACK,
  [MessageType.FlowUpdate]: FLOW_UPDATE,
  [MessageType.ResultHint]: codec(decodeResultHint, encodeResultHint),
  [MessageType.TransportProbe]: codec(decodeTransportProbe, encodeTransportProbe),
  [MessageType.TransportProbeAck]: codec(decodeTransportProbeAck, encodeTransportProbeAck),
  [MessageType.SessionMigrate]: SESSION_MIGRATE,
  [MessageType.SessionMigrateAck]: codec(decodeSessionMigrateAck, encodeSessionMigrateAck),
};

function metadataRecipe(metadata: MetadataCodec, spec: FieldSpec): VectorRecipe {
  return {
    decode: (bytes) => metadata.decode(bytes),
    encode: (decoded) => metadata.encode(decoded),
    expected: (fields, u64Fields) => mapFields(fields, spec, u64Fields),
  };
}

/** A decoded packet whose metadata went through a typed codec (raw bytes without one). */
interface TypedPacket {
  header: PacketHeader;
  metadata: unknown;
  body: Buffer;
}

/** Check run after decoding a packet, e.g. FLOW_UPDATE routing or a header-only rule. */
type PacketCheck = (packet: TypedPacket) => void;

function typed(packet: Packet, metadata: MetadataCodec | undefined): TypedPacket {
  return { ...packet, metadata: metadata ? metadata.decode(packet.metadata) : packet.metadata };
}

function encodeTypedPacket(packet: TypedPacket, metadata: MetadataCodec | undefined): Buffer {
  const bytes = metadata ? metadata.encode(packet.metadata) : (packet.metadata as Buffer);
  return encodePacket(packet.header, bytes, packet.body);
}

/**
 * A whole-packet recipe. Vector fields come nested (`{header, metadata}`) or flat (header and
 * metadata fields side by side; the header's are those {@link HEADER_SPEC} knows).
 */
function packetRecipe(
  metadata: MetadataCodec | undefined,
  spec: FieldSpec,
  check: PacketCheck = () => undefined,
): VectorRecipe {
  return {
    decode: (bytes) => {
      const packet = typed(decodePacket(bytes), metadata);
      check(packet);
      return packet;
    },
    encode: (decoded) => encodeTypedPacket(decoded as TypedPacket, metadata),
    expected: (fields, u64Fields) => {
      if ('header' in fields) {
        return {
          header: mapFields(fields.header as Record<string, unknown>, HEADER_SPEC),
          metadata: mapFields(fields.metadata as Record<string, unknown>, spec),
        };
      }
      const entries = Object.entries(fields);
      const isHeader = ([name]: [string, unknown]): boolean => name in HEADER_SPEC;
      return {
        header: mapFields(Object.fromEntries(entries.filter(isHeader)), HEADER_SPEC, u64Fields),
        metadata: mapFields(
          Object.fromEntries(entries.filter((entry) => !isHeader(entry))),
          spec,
          u64Fields,
        ),
      };
    },
  };
}

/** The length rules of the messages without fixed metadata. */
const HEADER_ONLY_RULES: Partial<Record<MessageType, (header: PacketHeader) => void>> = {
  [MessageType.ResultDrop]: validateResultDropHeader,
  [MessageType.FrameCancel]: validateFrameCancelHeader,
  [MessageType.Ping]: validateEmptyControlHeader,
  [MessageType.Pong]: validateEmptyControlHeader,
  [MessageType.Close]: validateCloseHeader,
};

const routeFlowUpdate: PacketCheck = (packet) =>
  validateFlowUpdateRouting(packet.header.sessionId, packet.metadata as FlowUpdateMetadata);

/** Any packet: header and lengths, then the header-only rule or control metadata of its type. */
const GENERIC_PACKET: VectorRecipe = {
  decode: (bytes) => {
    const packet = decodePacket(bytes);
    HEADER_ONLY_RULES[packet.header.messageType]?.(packet.header);
    return typed(packet, CONTROL_CODECS[packet.header.messageType]);
  },
  encode: (decoded) => {
    const packet = decoded as TypedPacket;
    return encodeTypedPacket(packet, CONTROL_CODECS[packet.header.messageType]);
  },
  expected: (fields) => ({ header: mapFields(fields, HEADER_SPEC) }),
};

/** Recipes for every control-plane and header `recipe_type`. */
export const CONTROL_RECIPES: VectorRecipeTable = {
  common_header: {
    decode: (bytes) => decodeHeader(bytes),
    encode: (decoded) => encodeHeader(decoded as PacketHeader),
    expected: (fields, u64Fields) => mapFields(fields, HEADER_SPEC, u64Fields),
  },
  packet: GENERIC_PACKET,
  session_open_metadata: metadataRecipe(SESSION_OPEN, SESSION_OPEN_SPEC),
  session_open_ack_metadata: metadataRecipe(SESSION_OPEN_ACK, SESSION_OPEN_ACK_SPEC),
  session_close_metadata: metadataRecipe(SESSION_CLOSE, SESSION_CLOSE_SPEC),
  session_close_ack_metadata: metadataRecipe(SESSION_CLOSE_ACK, SESSION_CLOSE_ACK_SPEC),
  session_migrate_metadata: metadataRecipe(SESSION_MIGRATE, SESSION_MIGRATE_SPEC),
  session_patch_metadata: metadataRecipe(SESSION_PATCH, SESSION_PATCH_SPEC),
  error_metadata: metadataRecipe(ERROR, ERROR_SPEC),
  flow_update_metadata: metadataRecipe(FLOW_UPDATE, FLOW_UPDATE_SPEC),
  client_hello_metadata: metadataRecipe(CLIENT_HELLO, CLIENT_HELLO_SPEC),
  server_hello_ack_metadata: metadataRecipe(SERVER_HELLO_ACK, SERVER_HELLO_ACK_SPEC),
  flow_update_packet: packetRecipe(FLOW_UPDATE, FLOW_UPDATE_SPEC, routeFlowUpdate),
  session_close_packet: packetRecipe(SESSION_CLOSE, SESSION_CLOSE_SPEC),
  session_close_ack_packet: packetRecipe(SESSION_CLOSE_ACK, SESSION_CLOSE_ACK_SPEC),
  result_drop_packet: packetRecipe(undefined, {}, (packet) =>
    validateResultDropHeader(packet.header),
  ),
};
