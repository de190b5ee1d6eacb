import fc from 'fast-check';
import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import { NnrpProtocolError } from '../../src/errors/nnrp-protocol-error';
import {
  CLIENT_HELLO_METADATA_LEN,
  decodeClientHello,
  decodeControlExtensions,
  decodeError,
  decodeFlowUpdate,
  decodeLossToleranceAckExtension,
  decodeLossToleranceExtension,
  decodePayloadCapabilitiesAckExtension,
  decodePayloadCapabilitiesExtension,
  decodeResultHint,
  decodeServerHelloAck,
  decodeSessionClose,
  decodeSessionCloseAck,
  decodeSessionMigrate,
  decodeSessionMigrateAck,
  decodeSessionOpenAck,
  decodeSessionPatch,
  decodeSessionPatchAck,
  decodeTensorClampBlock,
  decodeTransportPolicyAckExtension,
  decodeTransportPolicyExtension,
  decodeTransportProbe,
  decodeTransportProbeAck,
  encodeClientHello,
  encodeControlExtensions,
  encodeError,
  encodeFlowUpdate,
  encodeLossToleranceAckExtension,
  encodeLossToleranceExtension,
  encodePayloadCapabilitiesAckExtension,
  encodePayloadCapabilitiesExtension,
  encodeResultHint,
  encodeServerHelloAck,
  encodeSessionClose,
  encodeSessionCloseAck,
  encodeSessionMigrate,
  encodeSessionMigrateAck,
  encodeSessionOpenAck,
  encodeSessionPatch,
  encodeSessionPatchAck,
  encodeTensorClampBlock,
  encodeTransportPolicyAckExtension,
  encodeTransportPolicyExtension,
  encodeTransportProbe,
  encodeTransportProbeAck,
  ERROR_METADATA_LEN,
  FLOW_UPDATE_METADATA_LEN,
  RESULT_HINT_METADATA_LEN,
  SERVER_HELLO_ACK_METADATA_LEN,
  SESSION_CLOSE_ACK_METADATA_LEN,
  SESSION_CLOSE_METADATA_LEN,
  SESSION_MIGRATE_ACK_METADATA_LEN,
  SESSION_MIGRATE_METADATA_LEN,
  SESSION_OPEN_ACK_METADATA_LEN,
  SESSION_PATCH_ACK_METADATA_LEN,
  SESSION_PATCH_METADATA_LEN,
  STANDARD_EXTENSION_PAYLOAD_LEN,
  TENSOR_CLAMP_BLOCK_LEN,
  TRANSPORT_PROBE_ACK_METADATA_LEN,
  TRANSPORT_PROBE_METADATA_LEN,
} from '../../src/messages/control';
import {
  clientHelloArb,
  controlExtensionEntryArb,
  errorArb,
  flowUpdateArb,
  lossToleranceAckExtensionArb,
  lossToleranceExtensionArb,
  payloadCapabilitiesAckExtensionArb,
  payloadCapabilitiesExtensionArb,
  resultHintArb,
  serverHelloAckArb,
  sessionCloseAckArb,
  sessionCloseArb,
  sessionMigrateAckArb,
  sessionMigrateArb,
  sessionOpenAckArb,
  sessionPatchAckArb,
  sessionPatchArb,
  tensorClampBlockArb,
  transportPolicyAckExtensionArb,
  transportPolicyExtensionArb,
  transportProbeAckArb,
  transportProbeArb,
} from './control-arbitraries';
import { bytes, expectOnlyProtocolErrors, mutated, thrownBy } from './control-test-helpers';

// Properties every fixed-layout control codec must have, checked on random values and bytes.

interface CodecCase {
  name: string;
  length: number;
  valid: fc.Arbitrary<unknown>;
  encode(m: unknown): Buffer;
  decode(src: Buffer): unknown;
}

function codecCase<T>(
  name: string,
  length: number,
  valid: fc.Arbitrary<T>,
  encode: (m: T) => Buffer,
  decode: (src: Buffer) => T,
): CodecCase {
  return { name, length, valid, encode: (m) => encode(m as T), decode };
}

const CASES: readonly CodecCase[] = [
  codecCase(
    'CLIENT_HELLO',
    CLIENT_HELLO_METADATA_LEN,
    clientHelloArb,
    encodeClientHello,
    decodeClientHello,
  ),
  codecCase(
    'SERVER_HELLO_ACK',
    SERVER_HELLO_ACK_METADATA_LEN,
    serverHelloAckArb,
    encodeServerHelloAck,
    decodeServerHelloAck,
  ),
  codecCase(
    'SESSION_OPEN_ACK',
    SESSION_OPEN_ACK_METADATA_LEN,
    sessionOpenAckArb,
    encodeSessionOpenAck,
    decodeSessionOpenAck,
  ),
  codecCase(
    'SESSION_PATCH',
    SESSION_PATCH_METADATA_LEN,
    sessionPatchArb,
    encodeSessionPatch,
    decodeSessionPatch,
  ),
  codecCase(
    'SESSION_PATCH_ACK',
    SESSION_PATCH_ACK_METADATA_LEN,
    sessionPatchAckArb,
    encodeSessionPatchAck,
    decodeSessionPatchAck,
  ),
  codecCase(
    'tensor clamp block',
    TENSOR_CLAMP_BLOCK_LEN,
    tensorClampBlockArb,
    encodeTensorClampBlock,
    decodeTensorClampBlock,
  ),
  codecCase(
    'SESSION_CLOSE',
    SESSION_CLOSE_METADATA_LEN,
    sessionCloseArb,
    encodeSessionClose,
    decodeSessionClose,
  ),
  codecCase(
    'SESSION_CLOSE_ACK',
    SESSION_CLOSE_ACK_METADATA_LEN,
    sessionCloseAckArb,
    encodeSessionCloseAck,
    decodeSessionCloseAck,
  ),
  codecCase(
    'SESSION_MIGRATE',
    SESSION_MIGRATE_METADATA_LEN,
    sessionMigrateArb,
    encodeSessionMigrate,
    decodeSessionMigrate,
  ),
  codecCase(
    'SESSION_MIGRATE_ACK',
    SESSION_MIGRATE_ACK_METADATA_LEN,
    sessionMigrateAckArb,
    encodeSessionMigrateAck,
    decodeSessionMigrateAck,
  ),
  codecCase('ERROR', ERROR_METADATA_LEN, errorArb, encodeError, decodeError),
  codecCase(
    'FLOW_UPDATE',
    FLOW_UPDATE_METADATA_LEN,
    flowUpdateArb,
    encodeFlowUpdate,
    decodeFlowUpdate,
  ),
  codecCase(
    'TRANSPORT_PROBE',
    TRANSPORT_PROBE_METADATA_LEN,
    transportProbeArb,
    encodeTransportProbe,
    decodeTransportProbe,
  ),
  codecCase(
    'TRANSPORT_PROBE_ACK',
    TRANSPORT_PROBE_ACK_METADATA_LEN,
    transportProbeAckArb,
    encodeTransportProbeAck,
    decodeTransportProbeAck,
  ),
  codecCase(
    'RESULT_HINT',
    RESULT_HINT_METADATA_LEN,
    resultHintArb,
    encodeResultHint,
    decodeResultHint,
  ),
  codecCase(
    'ext 0x0101 transport_policy',
    STANDARD_EXTENSION_PAYLOAD_LEN,
    transportPolicyExtensionArb,
    encodeTransportPolicyExtension,
    decodeTransportPolicyExtension,
  ),
  codecCase(
    'ext 0x0102 transport_policy_ack',
    STANDARD_EXTENSION_PAYLOAD_LEN,
    transportPolicyAckExtensionArb,
    encodeTransportPolicyAckExtension,
    decodeTransportPolicyAckExtension,
  ),
  codecCase(
    'ext 0x0103 loss_tolerance',
    STANDARD_EXTENSION_PAYLOAD_LEN,
    lossToleranceExtensionArb,
    encodeLossToleranceExtension,
    decodeLossToleranceExtension,
  ),
  codecCase(
    'ext 0x0104 loss_tolerance_ack',
    STANDARD_EXTENSION_PAYLOAD_LEN,
    lossToleranceAckExtensionArb,
    encodeLossToleranceAckExtension,
    decodeLossToleranceAckExtension,
  ),
  codecCase(
    'ext 0x0105 payload_capabilities',
    STANDARD_EXTENSION_PAYLOAD_LEN,
    payloadCapabilitiesExtensionArb,
    encodePayloadCapabilitiesExtension,
    decodePayloadCapabilitiesExtension,
  ),
  codecCase(
    'ext 0x0106 payload_capabilities_ack',
    STANDARD_EXTENSION_PAYLOAD_LEN,
    payloadCapabilitiesAckExtensionArb,
    encodePayloadCapabilitiesAckExtension,
    decodePayloadCapabilitiesAckExtension,
  ),
];

/** Exact-length bytes: uniformly random, or a valid encoding with one byte changed. */
function candidateBytes(c: CodecCase): fc.Arbitrary<Buffer> {
  return fc.oneof(bytes(c.length, c.length), mutated(c.valid.map((m) => c.encode(m))));
}

describe.each(CASES)('$name codec', (c) => {
  it('decode(encode(x)) deep-equals x, and encode gives exactly the fixed length', () => {
    fc.assert(
      fc.property(c.valid, (m) => {
        const encoded = c.encode(m);
        expect(encoded.length).toBe(c.length);
        expect(c.decode(encoded)).toEqual(m);
      }),
    );
  });

  it('is canonical: bytes it accepts re-encode to themselves; others raise only protocol errors', () => {
    fc.assert(
      fc.property(candidateBytes(c), (src) => {
        const error = thrownBy(() => c.decode(src));
        if (error === undefined) expect(c.encode(c.decode(src))).toEqual(src);
        else expect(error).toBeInstanceOf(NnrpProtocolError);
      }),
    );
  });

  it('refuses a short source as TooShort and never throws anything else on any length', () => {
    fc.assert(
      fc.property(bytes(c.length - 1), (src) => {
        expect(thrownBy(() => c.decode(src))).toMatchObject({ kind: NnrpErrorKind.TooShort });
      }),
    );
    fc.assert(
      fc.property(bytes(c.length + 16), (src) => expectOnlyProtocolErrors(() => c.decode(src))),
    );
  });
});

describe('control extension block codec', () => {
  const entries = fc.array(controlExtensionEntryArb, { maxLength: 6 });

  it('decode(encode(entries)) deep-equals entries, every entry 8-byte aligned', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const block = encodeControlExtensions(list);
        expect(block.length % 8).toBe(0);
        expect(decodeControlExtensions(block)).toEqual(list);
      }),
    );
  });

  it('is canonical on random and mutated blocks and raises only protocol errors', () => {
    const candidates = fc.oneof(bytes(96), mutated(entries.map(encodeControlExtensions)));
    fc.assert(
      fc.property(candidates, (block) => {
        const error = thrownBy(() => decodeControlExtensions(block));
        if (error === undefined) {
          expect(encodeControlExtensions(decodeControlExtensions(block))).toEqual(block);
        } else {
          expect(error).toBeInstanceOf(NnrpProtocolError);
        }
      }),
    );
  });
});
