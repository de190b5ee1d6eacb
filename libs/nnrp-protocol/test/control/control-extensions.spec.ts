import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  CONTROL_EXTENSION_FLAG_CRITICAL,
  controlExtensionPadding,
  ControlExtensionType,
  decodeControlExtensions,
  decodeLossToleranceExtension,
  decodePayloadCapabilitiesAckExtension,
  decodeTransportPolicyAckExtension,
  decodeTransportPolicyExtension,
  encodeControlExtensions,
  encodePayloadCapabilitiesExtension,
  encodeTransportPolicyAckExtension,
  findControlExtension,
  findUnknownCriticalExtension,
  TransportId,
  TransportPolicy,
} from '../../src/messages/control';
import { expectProtocolError, hex } from './control-test-helpers';

const { TooShort, NonZeroReservedField, ReservedBitsSet, UnknownEnumValue } = NnrpErrorKind;
const { InvalidProtocolCombination, LengthMismatch } = NnrpErrorKind;

/** The ack the Python server always sends: policy auto, accepted auto, active transport tcp. */
const POLICY_ACK_ENTRY = hex('0201 0000 08000000 00 00 0000 02000000');

describe('control extension block (§4.3)', () => {
  it('encodes the Python transport-policy ack entry byte for byte', () => {
    const payload = encodeTransportPolicyAckExtension({
      transportPolicy: TransportPolicy.Auto,
      acceptedTransportPolicy: TransportPolicy.Auto,
      activeTransportId: TransportId.Tcp,
    });
    const block = encodeControlExtensions([
      { extType: ControlExtensionType.TransportPolicyAck, extFlags: 0, payload },
    ]);
    expect(block.toString('hex')).toBe(POLICY_ACK_ENTRY.toString('hex'));
  });

  it('pads payloads with zeros to a multiple of 8 and decodes them as views', () => {
    const block = encodeControlExtensions([
      { extType: 0x4001, extFlags: CONTROL_EXTENSION_FLAG_CRITICAL, payload: Buffer.from('abc') },
      { extType: 0x8002, extFlags: 0, payload: Buffer.alloc(0) },
    ]);
    expect(block.toString('hex')).toBe('014001000300000061626300000000000280000000000000');
    const entries = decodeControlExtensions(block);
    expect(entries.map((e) => [e.extType, e.extFlags, e.payload.toString()])).toEqual([
      [0x4001, 1, 'abc'],
      [0x8002, 0, ''],
    ]);
    expect(entries[0].payload.buffer).toBe(block.buffer);
    expect([0, 1, 7, 8, 9].map(controlExtensionPadding)).toEqual([0, 7, 1, 0, 7]);
  });

  // prettier-ignore
  it.each<[string, string, NnrpErrorKind, string]>([
    ['a truncated header', '0201 0000 0800', TooShort, 'control_extension.header'],
    ['a truncated payload', '0201 0000 08000000 0000', TooShort, 'control_extension.payload'],
    ['a truncated padding', '0201 0000 03000000 616263 0000', TooShort, 'control_extension.padding'],
    ['non-zero padding', '0201 0000 03000000 616263 0000000001', NonZeroReservedField, 'control_extension.padding'],
    ['the reserved ext_type 0', '0000 0000 00000000', InvalidProtocolCombination, 'control_extension.ext_type must not be 0'],
    ['an undefined ext_flags bit', '0201 0200 00000000', ReservedBitsSet, 'control_extension.ext_flags'],
  ])('refuses %s', (_label, block, kind, field) => {
    expectProtocolError(() => decodeControlExtensions(hex(block)), kind, field);
  });

  it('refuses to encode what it refuses to decode', () => {
    expectProtocolError(
      () => encodeControlExtensions([{ extType: 0, extFlags: 0, payload: Buffer.alloc(0) }]),
      InvalidProtocolCombination,
      'control_extension.ext_type must not be 0',
    );
    expectProtocolError(
      () => encodeControlExtensions([{ extType: 1, extFlags: 0x8000, payload: Buffer.alloc(0) }]),
      ReservedBitsSet,
      'control_extension.ext_flags',
    );
  });

  it('finds entries, and flags only unknown CRITICAL ones', () => {
    const entries = decodeControlExtensions(
      encodeControlExtensions([
        { extType: ControlExtensionType.TransportPolicy, extFlags: 1, payload: Buffer.alloc(8) },
        { extType: 0x4000, extFlags: 0, payload: Buffer.alloc(1) },
        { extType: 0x4001, extFlags: 1, payload: Buffer.alloc(2) },
      ]),
    );
    const known = new Set<number>([ControlExtensionType.TransportPolicy]);
    expect(findControlExtension(entries, 0x4000)?.payload.length).toBe(1);
    expect(findControlExtension(entries, 0x4002)).toBeUndefined();
    expect(findUnknownCriticalExtension(entries, known)?.extType).toBe(0x4001);
    expect(findUnknownCriticalExtension(entries.slice(0, 2), known)).toBeUndefined();
  });
});

describe('standard extension payloads 0x0101–0x0106', () => {
  it('decodes a client transport policy with an unspecified preferred transport', () => {
    expect(decodeTransportPolicyExtension(hex('06 00 0000 00000000'))).toEqual({
      transportPolicy: TransportPolicy.ForceTcp,
      preferredTransportId: TransportId.Unspecified,
    });
  });

  // prettier-ignore
  it.each<[string, () => unknown, NnrpErrorKind, string]>([
    ['a 7-byte payload', () => decodeTransportPolicyExtension(hex('00 00 0000 000000')), TooShort, 'control_extension.payload'],
    ['a 9-byte payload', () => decodeLossToleranceExtension(hex('01 00 0000 00000000 00')), LengthMismatch, 'control_extension.payload'],
    ['a client policy with byte 1 set', () => decodeTransportPolicyExtension(hex('00 01 0000 00000000')), NonZeroReservedField, 'transport_policy.reserved0'],
    ['an ack with the reserved u16 set', () => decodeTransportPolicyAckExtension(hex('00 00 0100 01000000')), NonZeroReservedField, 'transport_policy_ack.reserved'],
    ['policy 9', () => decodeTransportPolicyAckExtension(hex('09 00 0000 01000000')), UnknownEnumValue, 'transport_policy'],
    ['transport id 5', () => decodeTransportPolicyExtension(hex('00 00 0000 05000000')), UnknownEnumValue, 'transport_id'],
    ['loss tolerance 4', () => decodeLossToleranceExtension(hex('04 00 0000 00000000')), UnknownEnumValue, 'loss_tolerance'],
    ['loss tolerance reserved u32', () => decodeLossToleranceExtension(hex('01 00 0000 00000001')), NonZeroReservedField, 'loss_tolerance.reserved2'],
    ['payload kind 0x80', () => decodePayloadCapabilitiesAckExtension(hex('80000000 00000000')), ReservedBitsSet, 'payload_capabilities.payload_kind_bitmap'],
    ['a critical frame bitmap', () => encodePayloadCapabilitiesExtension({ payloadKindBitmap: 1, criticalExtensionFrameBitmap: 1 }), NonZeroReservedField, 'payload_capabilities.critical_extension_frame_bitmap'],
  ])('refuses %s', (_label, fn, kind, field) => {
    expectProtocolError(fn, kind, field);
  });
});
