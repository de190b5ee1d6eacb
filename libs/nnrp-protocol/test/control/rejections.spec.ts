import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  decodeClientHello,
  decodeError,
  decodeFlowUpdate,
  decodeResultHint,
  decodeServerHelloAck,
  decodeSessionClose,
  decodeSessionCloseAck,
  decodeSessionMigrate,
  decodeSessionOpenAck,
  decodeSessionPatch,
  decodeSessionPatchAck,
  decodeTensorClampBlock,
  decodeTransportProbeAck,
  encodeClientHello,
  encodeError,
  encodeFlowUpdate,
  encodeResultHint,
  encodeServerHelloAck,
  encodeSessionClose,
  encodeSessionCloseAck,
  encodeSessionMigrate,
  encodeSessionOpenAck,
  encodeSessionPatch,
  encodeSessionPatchAck,
  ERROR_METADATA_LEN,
  ErrorScope,
  FlowScopeKind,
  InFlightPolicy,
  PatchRejectReason,
  ResultHintReason,
  SessionCloseStatus,
  SessionStatus,
  FLOW_UPDATE_METADATA_LEN,
  RESULT_HINT_METADATA_LEN,
  SERVER_HELLO_ACK_METADATA_LEN,
  SESSION_CLOSE_ACK_METADATA_LEN,
  SESSION_CLOSE_METADATA_LEN,
  SESSION_OPEN_ACK_METADATA_LEN,
  SESSION_PATCH_ACK_METADATA_LEN,
  SESSION_PATCH_METADATA_LEN,
  TENSOR_CLAMP_BLOCK_LEN,
  TRANSPORT_PROBE_ACK_METADATA_LEN,
  TransportId,
} from '../../src/messages/control';
import { expectProtocolError, hex } from './control-test-helpers';

// Each decoder's rejections, with the reference's error kind and field, and the check order
// when two fields are bad at once; then the same refusals on the encoder side.

const { TooShort, NonZeroReservedField, ReservedBitsSet, UnknownEnumValue } = NnrpErrorKind;
const { InvalidProtocolCombination, LengthMismatch } = NnrpErrorKind;

const CLIENT_HELLO = hex(`01010100010000000100000003000000030000002100000003000000010007000100
  020040000000000001007017640002000000000000006000000000000000`);
const MIGRATE = encodeSessionMigrate({
  oldTransportId: TransportId.Quic,
  newTransportId: TransportId.Tcp,
  lastResultFrameId: 10n,
  clientMigrateTsUs: 100n,
});

/** `length` zero bytes (a valid encoding for every codec below except the two above). */
const zeros = (length: number): Buffer => Buffer.alloc(length);

type Patch = (b: Buffer) => void;
type Row = [string, (src: Buffer) => unknown, Buffer, Patch, NnrpErrorKind, string];

const setU8 =
  (offset: number, value: number): Patch =>
  (b) => {
    b[offset] = value;
  };
const setU16 =
  (offset: number, value: number): Patch =>
  (b) =>
    b.writeUInt16LE(value, offset);
const setU32 =
  (offset: number, value: number): Patch =>
  (b) =>
    b.writeUInt32LE(value, offset);
/** No patch: the base itself is the bad input (wrong length). */
const none: Patch = () => undefined;
const both =
  (...patches: Patch[]): Patch =>
  (b) =>
    patches.forEach((patch) => patch(b));

// prettier-ignore
const DECODER_REJECTIONS: readonly Row[] = [
  ['CLIENT_HELLO short', decodeClientHello, CLIENT_HELLO.subarray(0, 63), none, TooShort, 'client_hello'],
  ['CLIENT_HELLO min > max', decodeClientHello, CLIENT_HELLO, setU8(0, 2), InvalidProtocolCombination, 'CLIENT_HELLO version window must be ordered'],
  ['CLIENT_HELLO window without 1', decodeClientHello, CLIENT_HELLO, both(setU8(0, 2), setU8(1, 3)), InvalidProtocolCombination, 'CLIENT_HELLO version window must include NNRP/1'],
  ['CLIENT_HELLO no wire format 0', decodeClientHello, CLIENT_HELLO, setU16(2, 0x0002), InvalidProtocolCombination, 'CLIENT_HELLO supported_wire_format_bitmap must include wire_format 0'],
  ['CLIENT_HELLO no profile', decodeClientHello, CLIENT_HELLO, setU32(4, 0), InvalidProtocolCombination, 'CLIENT_HELLO supported_profile_bitmap'],
  ['CLIENT_HELLO no payload kind', decodeClientHello, CLIENT_HELLO, setU32(8, 0), InvalidProtocolCombination, 'CLIENT_HELLO supported_payload_kind_bitmap'],
  ['SERVER_HELLO_ACK reserved0 before flags', decodeServerHelloAck, zeros(SERVER_HELLO_ACK_METADATA_LEN), both(setU8(3, 1), setU32(76, 2)), NonZeroReservedField, 'server_hello_ack.reserved0'],
  ['SERVER_HELLO_ACK server_flags 0x2', decodeServerHelloAck, zeros(SERVER_HELLO_ACK_METADATA_LEN), setU32(76, 2), ReservedBitsSet, 'server_hello_ack.server_flags'],
  ['SESSION_OPEN_ACK flags before status', decodeSessionOpenAck, zeros(SESSION_OPEN_ACK_METADATA_LEN), both(setU32(52, 0x20), setU8(7, 4)), ReservedBitsSet, 'session_open_ack.session_flags_ack'],
  ['SESSION_OPEN_ACK priority 3', decodeSessionOpenAck, zeros(SESSION_OPEN_ACK_METADATA_LEN), setU8(6, 3), UnknownEnumValue, 'session_priority_class'],
  ['SESSION_OPEN_ACK priority before status', decodeSessionOpenAck, zeros(SESSION_OPEN_ACK_METADATA_LEN), both(setU8(6, 3), setU8(7, 4)), UnknownEnumValue, 'session_priority_class'],
  ['SESSION_PATCH reserved0 before mask', decodeSessionPatch, zeros(SESSION_PATCH_METADATA_LEN), both(setU16(2, 1), setU32(4, 0x80)), NonZeroReservedField, 'session_patch.reserved0'],
  ['SESSION_PATCH_ACK reserved0 before masks', decodeSessionPatchAck, zeros(SESSION_PATCH_ACK_METADATA_LEN), both(setU16(18, 1), setU32(4, 0x80)), NonZeroReservedField, 'session_patch_ack.reserved0'],
  ['SESSION_PATCH_ACK applied mask', decodeSessionPatchAck, zeros(SESSION_PATCH_ACK_METADATA_LEN), setU32(4, 0x80), ReservedBitsSet, 'session_patch_ack.applied_patch_mask'],
  ['SESSION_PATCH_ACK rejected mask before status', decodeSessionPatchAck, zeros(SESSION_PATCH_ACK_METADATA_LEN), both(setU32(8, 0x100), setU16(0, 3)), ReservedBitsSet, 'session_patch_ack.rejected_patch_mask'],
  ['SESSION_PATCH_ACK ack_status 3', decodeSessionPatchAck, zeros(SESSION_PATCH_ACK_METADATA_LEN), setU16(0, 3), UnknownEnumValue, 'session_patch_ack_status'],
  ['SESSION_PATCH_ACK reject_reason 6', decodeSessionPatchAck, zeros(SESSION_PATCH_ACK_METADATA_LEN), setU16(2, 6), UnknownEnumValue, 'session_patch_reject_reason'],
  ['SESSION_CLOSE reserved0 before reason', decodeSessionClose, zeros(SESSION_CLOSE_METADATA_LEN), both(setU8(3, 1), setU16(0, 6)), NonZeroReservedField, 'session_close.reserved0'],
  ['SESSION_CLOSE reason before policy', decodeSessionClose, zeros(SESSION_CLOSE_METADATA_LEN), both(setU16(0, 6), setU8(2, 2)), UnknownEnumValue, 'close_reason'],
  ['SESSION_CLOSE_ACK reserved0', decodeSessionCloseAck, zeros(SESSION_CLOSE_ACK_METADATA_LEN), setU8(1, 1), NonZeroReservedField, 'session_close_ack.reserved0'],
  ['SESSION_CLOSE_ACK reserved before status', decodeSessionCloseAck, zeros(SESSION_CLOSE_ACK_METADATA_LEN), both(setU16(2, 1), setU8(0, 4)), NonZeroReservedField, 'session_close_ack.reserved1'],
  ['SESSION_MIGRATE old unspecified', decodeSessionMigrate, MIGRATE, setU32(0, 0), InvalidProtocolCombination, 'session_migrate.old_transport_id'],
  ['SESSION_MIGRATE unknown id before unspecified', decodeSessionMigrate, MIGRATE, both(setU32(0, 0), setU32(4, 3)), UnknownEnumValue, 'transport_id'],
  ['SESSION_MIGRATE websocket is unknown to the core', decodeSessionMigrate, MIGRATE, setU32(0, 4), UnknownEnumValue, 'transport_id'],
  ['ERROR is_fatal before scope', decodeError, zeros(ERROR_METADATA_LEN), both(setU32(8, 2), setU32(4, 3)), InvalidProtocolCombination, 'ERROR is_fatal must be 0 or 1'],
  ['FLOW_UPDATE reserved0', decodeFlowUpdate, zeros(FLOW_UPDATE_METADATA_LEN), setU8(3, 1), NonZeroReservedField, 'flow_update.reserved0'],
  ['FLOW_UPDATE reserved1 before flags', decodeFlowUpdate, zeros(FLOW_UPDATE_METADATA_LEN), both(setU16(10, 1), setU32(28, 0x10)), NonZeroReservedField, 'flow_update.reserved1'],
  ['FLOW_UPDATE flags before scope', decodeFlowUpdate, zeros(FLOW_UPDATE_METADATA_LEN), both(setU32(28, 0x10), setU8(0, 3)), ReservedBitsSet, 'flow_update.flow_flags'],
  ['FLOW_UPDATE update_reason 5', decodeFlowUpdate, zeros(FLOW_UPDATE_METADATA_LEN), setU8(1, 5), UnknownEnumValue, 'update_reason'],
  ['FLOW_UPDATE backpressure_level 3', decodeFlowUpdate, zeros(FLOW_UPDATE_METADATA_LEN), setU8(2, 3), UnknownEnumValue, 'backpressure_level'],
  ['TRANSPORT_PROBE_ACK reserved0', decodeTransportProbeAck, zeros(TRANSPORT_PROBE_ACK_METADATA_LEN), setU32(4, 0x80000000), NonZeroReservedField, 'transport_probe_ack.reserved0'],
  ['RESULT_HINT budget policy (u32)', decodeResultHint, zeros(RESULT_HINT_METADATA_LEN), setU32(0, 0x01000000), UnknownEnumValue, 'result_hint_budget_policy'],
  ['RESULT_HINT congestion before reason', decodeResultHint, zeros(RESULT_HINT_METADATA_LEN), both(setU32(4, 4), setU32(8, 5)), UnknownEnumValue, 'result_hint_congestion_state'],
  ['RESULT_HINT reason 5', decodeResultHint, zeros(RESULT_HINT_METADATA_LEN), setU32(8, 5), UnknownEnumValue, 'result_hint_reason'],
  ['tensor clamp block of 17 bytes', decodeTensorClampBlock, zeros(TENSOR_CLAMP_BLOCK_LEN + 1), none, LengthMismatch, 'tensor_clamp_block'],
  ['tensor clamp block of 15 bytes', decodeTensorClampBlock, zeros(TENSOR_CLAMP_BLOCK_LEN - 1), none, TooShort, 'tensor_clamp_block'],
];

describe('control decoders reject bad metadata for the reference reason, in its order', () => {
  it.each(DECODER_REJECTIONS)('%s', (_label, decode, base, patch, kind, field) => {
    const bytes = Buffer.from(base);
    patch(bytes);
    expectProtocolError(() => decode(bytes), kind, field);
  });

  it('accepts every patched base unpatched, so each rejection above comes from its patch', () => {
    for (const [, decode, base, patch] of DECODER_REJECTIONS) {
      if (patch !== none) expect(() => decode(base)).not.toThrow();
    }
  });
});

describe('control encoders refuse what the decoders refuse', () => {
  const hello = decodeClientHello(CLIENT_HELLO);
  const ack = decodeSessionOpenAck(zeros(SESSION_OPEN_ACK_METADATA_LEN));
  const patchAck = decodeSessionPatchAck(zeros(SESSION_PATCH_ACK_METADATA_LEN));
  const close = decodeSessionClose(zeros(SESSION_CLOSE_METADATA_LEN));
  const migrate = decodeSessionMigrate(MIGRATE);
  const flow = decodeFlowUpdate(zeros(FLOW_UPDATE_METADATA_LEN));
  const hint = decodeResultHint(zeros(RESULT_HINT_METADATA_LEN));

  // prettier-ignore
  it.each<[string, () => unknown, NnrpErrorKind, string]>([
    ['CLIENT_HELLO window', () => encodeClientHello({ ...hello, minVersionMajor: 2 }), InvalidProtocolCombination, 'CLIENT_HELLO version window must be ordered'],
    ['SERVER_HELLO_ACK flags', () => encodeServerHelloAck({ ...decodeServerHelloAck(zeros(SERVER_HELLO_ACK_METADATA_LEN)), serverFlags: 0x4 }), ReservedBitsSet, 'server_hello_ack.server_flags'],
    ['SESSION_OPEN_ACK flags', () => encodeSessionOpenAck({ ...ack, sessionFlagsAck: 0x20 }), ReservedBitsSet, 'session_open_ack.session_flags_ack'],
    ['SESSION_OPEN_ACK status', () => encodeSessionOpenAck({ ...ack, sessionStatus: 4 as SessionStatus }), UnknownEnumValue, 'session_status'],
    ['SESSION_PATCH mask', () => encodeSessionPatch({ ...decodeSessionPatch(zeros(SESSION_PATCH_METADATA_LEN)), patchMask: 0x80 }), ReservedBitsSet, 'session_patch.patch_mask'],
    ['SESSION_PATCH_ACK reason', () => encodeSessionPatchAck({ ...patchAck, rejectReason: 6 as PatchRejectReason }), UnknownEnumValue, 'session_patch_reject_reason'],
    ['SESSION_CLOSE policy', () => encodeSessionClose({ ...close, inFlightPolicy: 2 as InFlightPolicy }), UnknownEnumValue, 'in_flight_policy'],
    ['SESSION_CLOSE_ACK status', () => encodeSessionCloseAck({ closeStatus: 4 as SessionCloseStatus, lastOperationId: 0n, sessionErrorCode: 0 }), UnknownEnumValue, 'close_status'],
    ['SESSION_MIGRATE unspecified', () => encodeSessionMigrate({ ...migrate, newTransportId: TransportId.Unspecified }), InvalidProtocolCombination, 'session_migrate.new_transport_id'],
    ['SESSION_MIGRATE ipc', () => encodeSessionMigrate({ ...migrate, newTransportId: TransportId.Ipc }), UnknownEnumValue, 'transport_id'],
    ['ERROR scope', () => encodeError({ ...decodeError(zeros(ERROR_METADATA_LEN)), errorScope: 3 as ErrorScope }), UnknownEnumValue, 'error_scope'],
    ['FLOW_UPDATE flags', () => encodeFlowUpdate({ ...flow, flowFlags: 0x10 }), ReservedBitsSet, 'flow_update.flow_flags'],
    ['FLOW_UPDATE scope', () => encodeFlowUpdate({ ...flow, scopeKind: 3 as FlowScopeKind }), UnknownEnumValue, 'scope_kind'],
    ['RESULT_HINT reason', () => encodeResultHint({ ...hint, reason: 5 as ResultHintReason }), UnknownEnumValue, 'result_hint_reason'],
  ])('%s', (_label, encode, kind, field) => {
    expectProtocolError(encode, kind, field);
  });
});
