import { requireEnum, requireMask, requireZero } from '../../metadata/field-checks';
import { PAYLOAD_KIND_MASK } from '../data/payload-kind';
import { LossTolerancePolicy } from '../data/submit-vocabulary';
import { requireBlockLength } from './block-length';
import { TransportPolicy } from './control-extension-vocabulary';
import { TRANSPORT_ID_ENUM, TRANSPORT_ID_MAX, TransportId } from './transport-id';

// Typed payloads of the standard control extensions 0x0101–0x0106 (control-plane.md §4.3).
// Three layouts serve the six entries; the client and ack sides differ only in field names.

/** Every standard entry's payload is exactly this long. */
export const STANDARD_EXTENSION_PAYLOAD_LEN = 8;

/** Layout of 0x0101 / 0x0102. */
export const TransportPolicyPayloadOffset = {
  transportPolicy: 0,
  /** 0x0102 only; reserved (zero) in 0x0101. */
  acceptedTransportPolicy: 1,
  reserved: 2,
  /** `preferred_transport_id` (0x0101) or `active_transport_id` (0x0102). */
  transportId: 4,
} as const;

/** Layout of 0x0103 / 0x0104. */
export const LossTolerancePayloadOffset = {
  lossTolerance: 0,
  reserved0: 1,
  reserved1: 2,
  reserved2: 4,
} as const;

/** Layout of 0x0105 / 0x0106. */
export const PayloadCapabilitiesPayloadOffset = {
  payloadKindBitmap: 0,
  criticalExtensionFrameBitmap: 4,
} as const;

/** 0x0101 (CLIENT_HELLO): the transport the client asks for. */
export interface TransportPolicyExtension {
  transportPolicy: TransportPolicy;
  /** 0 (unspecified) allowed. */
  preferredTransportId: TransportId;
}

/** 0x0102 (SERVER_HELLO_ACK): what the server granted and the transport in use. */
export interface TransportPolicyAckExtension {
  transportPolicy: TransportPolicy;
  acceptedTransportPolicy: TransportPolicy;
  activeTransportId: TransportId;
}

/** 0x0103 (CLIENT_HELLO); best_effort applies when the entry is absent. */
export interface LossToleranceExtension {
  sessionLossTolerance: LossTolerancePolicy;
}

/** 0x0104 (SERVER_HELLO_ACK). */
export interface LossToleranceAckExtension {
  acceptedLossTolerance: LossTolerancePolicy;
}

/** 0x0105 (CLIENT_HELLO). */
export interface PayloadCapabilitiesExtension {
  /** {@link PayloadKind} bits, mask 0x7F. */
  payloadKindBitmap: number;
  /** Must be 0 in preview3. */
  criticalExtensionFrameBitmap: number;
}

/** 0x0106 (SERVER_HELLO_ACK). */
export interface PayloadCapabilitiesAckExtension {
  /** {@link PayloadKind} bits, mask 0x7F. */
  acceptedPayloadKindBitmap: number;
  /** Must be 0 in preview3. */
  acceptedCriticalExtensionFrameBitmap: number;
}

const PAYLOAD_FIELD = 'control_extension.payload';

function checkPolicy(policy: number): void {
  requireEnum(policy, TransportPolicy.Auto, TransportPolicy.ForceWebsocket, 'transport_policy');
}

function checkTransportId(id: number): void {
  requireEnum(id, TransportId.Unspecified, TRANSPORT_ID_MAX, TRANSPORT_ID_ENUM);
}

function checkLossTolerance(value: number): void {
  requireEnum(
    value,
    LossTolerancePolicy.Strict,
    LossTolerancePolicy.FireAndForget,
    'loss_tolerance',
  );
}

function checkCapabilities(payloadKindBitmap: number, criticalFrameBitmap: number): void {
  requireMask(payloadKindBitmap, PAYLOAD_KIND_MASK, 'payload_capabilities.payload_kind_bitmap');
  requireZero(criticalFrameBitmap, 'payload_capabilities.critical_extension_frame_bitmap');
}

/** Decodes a 0x0101 payload; reserved bytes must be zero. */
export function decodeTransportPolicyExtension(payload: Buffer): TransportPolicyExtension {
  requireBlockLength(payload, STANDARD_EXTENSION_PAYLOAD_LEN, PAYLOAD_FIELD);
  requireZero(
    payload[TransportPolicyPayloadOffset.acceptedTransportPolicy],
    'transport_policy.reserved0',
  );
  requireZero(
    payload.readUInt16LE(TransportPolicyPayloadOffset.reserved),
    'transport_policy.reserved1',
  );
  const m = {
    transportPolicy: payload[TransportPolicyPayloadOffset.transportPolicy],
    preferredTransportId: payload.readUInt32LE(TransportPolicyPayloadOffset.transportId),
  };
  checkTransportPolicyRequest(m);
  return m;
}

function checkTransportPolicyRequest(m: TransportPolicyExtension): void {
  checkPolicy(m.transportPolicy);
  checkTransportId(m.preferredTransportId);
}

/** Encodes a 0x0101 payload (8 bytes). */
export function encodeTransportPolicyExtension(m: TransportPolicyExtension): Buffer {
  checkTransportPolicyRequest(m);
  const out = Buffer.alloc(STANDARD_EXTENSION_PAYLOAD_LEN);
  out[TransportPolicyPayloadOffset.transportPolicy] = m.transportPolicy;
  out.writeUInt32LE(m.preferredTransportId, TransportPolicyPayloadOffset.transportId);
  return out;
}

/** Decodes a 0x0102 payload; the reserved u16 must be zero. */
export function decodeTransportPolicyAckExtension(payload: Buffer): TransportPolicyAckExtension {
  requireBlockLength(payload, STANDARD_EXTENSION_PAYLOAD_LEN, PAYLOAD_FIELD);
  requireZero(
    payload.readUInt16LE(TransportPolicyPayloadOffset.reserved),
    'transport_policy_ack.reserved',
  );
  const m = {
    transportPolicy: payload[TransportPolicyPayloadOffset.transportPolicy],
    acceptedTransportPolicy: payload[TransportPolicyPayloadOffset.acceptedTransportPolicy],
    activeTransportId: payload.readUInt32LE(TransportPolicyPayloadOffset.transportId),
  };
  checkTransportPolicyAck(m);
  return m;
}

function checkTransportPolicyAck(m: TransportPolicyAckExtension): void {
  checkPolicy(m.transportPolicy);
  checkPolicy(m.acceptedTransportPolicy);
  checkTransportId(m.activeTransportId);
}

/** Encodes a 0x0102 payload (8 bytes). */
export function encodeTransportPolicyAckExtension(m: TransportPolicyAckExtension): Buffer {
  checkTransportPolicyAck(m);
  const out = Buffer.alloc(STANDARD_EXTENSION_PAYLOAD_LEN);
  out[TransportPolicyPayloadOffset.transportPolicy] = m.transportPolicy;
  out[TransportPolicyPayloadOffset.acceptedTransportPolicy] = m.acceptedTransportPolicy;
  out.writeUInt32LE(m.activeTransportId, TransportPolicyPayloadOffset.transportId);
  return out;
}

// 0x0103 and 0x0104 share one layout: a u8 tolerance and seven reserved bytes.
function decodeLossTolerance(payload: Buffer, entry: string): LossTolerancePolicy {
  requireBlockLength(payload, STANDARD_EXTENSION_PAYLOAD_LEN, PAYLOAD_FIELD);
  requireZero(payload[LossTolerancePayloadOffset.reserved0], `${entry}.reserved0`);
  requireZero(payload.readUInt16LE(LossTolerancePayloadOffset.reserved1), `${entry}.reserved1`);
  requireZero(payload.readUInt32LE(LossTolerancePayloadOffset.reserved2), `${entry}.reserved2`);
  const value = payload[LossTolerancePayloadOffset.lossTolerance];
  checkLossTolerance(value);
  return value;
}

function encodeLossTolerance(value: LossTolerancePolicy): Buffer {
  checkLossTolerance(value);
  const out = Buffer.alloc(STANDARD_EXTENSION_PAYLOAD_LEN);
  out[LossTolerancePayloadOffset.lossTolerance] = value;
  return out;
}

/** Decodes a 0x0103 payload. */
export function decodeLossToleranceExtension(payload: Buffer): LossToleranceExtension {
  return { sessionLossTolerance: decodeLossTolerance(payload, 'loss_tolerance') };
}

/** Encodes a 0x0103 payload (8 bytes). */
export function encodeLossToleranceExtension(m: LossToleranceExtension): Buffer {
  return encodeLossTolerance(m.sessionLossTolerance);
}

/** Decodes a 0x0104 payload. */
export function decodeLossToleranceAckExtension(payload: Buffer): LossToleranceAckExtension {
  return { acceptedLossTolerance: decodeLossTolerance(payload, 'loss_tolerance_ack') };
}

/** Encodes a 0x0104 payload (8 bytes). */
export function encodeLossToleranceAckExtension(m: LossToleranceAckExtension): Buffer {
  return encodeLossTolerance(m.acceptedLossTolerance);
}

// 0x0105 and 0x0106 share one layout: two u32 bitmaps, the second always zero.
function decodeCapabilities(payload: Buffer): [number, number] {
  requireBlockLength(payload, STANDARD_EXTENSION_PAYLOAD_LEN, PAYLOAD_FIELD);
  const kinds = payload.readUInt32LE(PayloadCapabilitiesPayloadOffset.payloadKindBitmap);
  const critical = payload.readUInt32LE(
    PayloadCapabilitiesPayloadOffset.criticalExtensionFrameBitmap,
  );
  checkCapabilities(kinds, critical);
  return [kinds, critical];
}

function encodeCapabilities(kinds: number, critical: number): Buffer {
  checkCapabilities(kinds, critical);
  const out = Buffer.alloc(STANDARD_EXTENSION_PAYLOAD_LEN);
  out.writeUInt32LE(kinds, PayloadCapabilitiesPayloadOffset.payloadKindBitmap);
  out.writeUInt32LE(critical, PayloadCapabilitiesPayloadOffset.criticalExtensionFrameBitmap);
  return out;
}

/** Decodes a 0x0105 payload. */
export function decodePayloadCapabilitiesExtension(payload: Buffer): PayloadCapabilitiesExtension {
  const [payloadKindBitmap, criticalExtensionFrameBitmap] = decodeCapabilities(payload);
  return { payloadKindBitmap, criticalExtensionFrameBitmap };
}

/** Encodes a 0x0105 payload (8 bytes). */
export function encodePayloadCapabilitiesExtension(m: PayloadCapabilitiesExtension): Buffer {
  return encodeCapabilities(m.payloadKindBitmap, m.criticalExtensionFrameBitmap);
}

/** Decodes a 0x0106 payload. */
export function decodePayloadCapabilitiesAckExtension(
  payload: Buffer,
): PayloadCapabilitiesAckExtension {
  const [acceptedPayloadKindBitmap, acceptedCriticalExtensionFrameBitmap] =
    decodeCapabilities(payload);
  return { acceptedPayloadKindBitmap, acceptedCriticalExtensionFrameBitmap };
}

/** Encodes a 0x0106 payload (8 bytes). */
export function encodePayloadCapabilitiesAckExtension(m: PayloadCapabilitiesAckExtension): Buffer {
  return encodeCapabilities(m.acceptedPayloadKindBitmap, m.acceptedCriticalExtensionFrameBitmap);
}
