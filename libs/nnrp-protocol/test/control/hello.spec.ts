import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  ClientHelloMetadata,
  ControlExtensionType,
  decodeClientHello,
  decodeServerHelloAck,
  encodeControlExtensions,
  encodeTransportPolicyExtension,
  ServerHelloAckMetadata,
  splitClientHelloBody,
  TransportId,
  TransportPolicy,
  validateCapabilityWindow,
  validateServerHelloAgainstClientHello,
} from '../../src/messages/control';
import { expectProtocolError, hex } from './control-test-helpers';

const { InvalidProtocolCombination, LengthMismatch, TooShort } = NnrpErrorKind;

// The handshake pair of the conformance fixture public_handshake_basic().
const HELLO: ClientHelloMetadata = decodeClientHello(
  hex(`01010100010000000100000003000000030000002100000003000000010007000100020040000000
    000001007017640002000000000000006000000000000000`),
);
const ACK: ServerHelloAckMetadata = decodeServerHelloAck(
  hex(`010000002a0000000100000001000000030000000300000001000000010000000100000007000000
    000200000000000102000200701764000200020000000002e0930400000000000000000001000000`),
);

describe('validateCapabilityWindow (§4.1)', () => {
  it('accepts windows that contain NNRP/1, such as 0..3', () => {
    expect(() =>
      validateCapabilityWindow({ ...HELLO, minVersionMajor: 0, maxVersionMajor: 3 }),
    ).not.toThrow();
  });

  it('refuses a window above NNRP/1', () => {
    expectProtocolError(
      () => validateCapabilityWindow({ ...HELLO, minVersionMajor: 2, maxVersionMajor: 2 }),
      InvalidProtocolCombination,
      'CLIENT_HELLO version window must include NNRP/1',
    );
  });
});

describe('validateServerHelloAgainstClientHello (§4.2)', () => {
  it('accepts the fixture ack for the fixture hello', () => {
    expect(() => validateServerHelloAgainstClientHello(ACK, HELLO)).not.toThrow();
  });

  // prettier-ignore
  it.each<[string, Partial<ServerHelloAckMetadata>, string]>([
    ['a version outside the window', { selectedVersionMajor: 2 }, 'SERVER_HELLO_ACK selected version must be inside client window'],
    ['a wire format the client lacks', { selectedWireFormat: 1 }, 'SERVER_HELLO_ACK selected wire format must be client-supported'],
    ['a wire format past the bitmap', { selectedWireFormat: 40 }, 'SERVER_HELLO_ACK selected wire format must be client-supported'],
    ['an extra profile', { acceptedProfileBitmap: 0x2 }, 'SERVER_HELLO_ACK accepted_profile_bitmap'],
    ['the Python 0x7F payload kinds', { acceptedPayloadKindBitmap: 0x7f }, 'SERVER_HELLO_ACK accepted_payload_kind_bitmap'],
    ['an extra codec', { acceptedCodecBitmap: 0x4 }, 'SERVER_HELLO_ACK accepted_codec_bitmap'],
    ['an extra compression', { acceptedCompressionBitmap: 0x80000000 }, 'SERVER_HELLO_ACK accepted_compression_bitmap'],
    ['an extra dtype', { acceptedDtypeBitmap: 0x2 }, 'SERVER_HELLO_ACK accepted_dtype_bitmap'],
    ['an extra layout', { acceptedLayoutBitmap: 0x4 }, 'SERVER_HELLO_ACK accepted_layout_bitmap'],
    ['a widened cache digest', { cacheDigestBitmap: 0x10000 }, 'SERVER_HELLO_ACK cache_digest_bitmap'],
    ['an extra cache object kind', { cacheObjectBitmap: 0x8 }, 'SERVER_HELLO_ACK cache_object_bitmap'],
  ])('refuses %s', (_label, change, rule) => {
    expectProtocolError(
      () => validateServerHelloAgainstClientHello({ ...ACK, ...change }, HELLO),
      InvalidProtocolCombination,
      rule,
    );
  });
});

describe('splitClientHelloBody (§4.1, §6.4 H2)', () => {
  const extensions = encodeControlExtensions([
    {
      extType: ControlExtensionType.TransportPolicy,
      extFlags: 0,
      payload: encodeTransportPolicyExtension({
        transportPolicy: TransportPolicy.PreferTcp,
        preferredTransportId: TransportId.Tcp,
      }),
    },
  ]);
  const auth = Buffer.alloc(40, 0xab);
  const lengths = { controlExtensionBytes: extensions.length, authBytes: auth.length };

  it('splits the Python order (extensions ‖ auth)', () => {
    const body = splitClientHelloBody(lengths, Buffer.concat([extensions, auth]));
    expect(body.auth).toEqual(auth);
    expect(body.extensions).toHaveLength(1);
    expect(body.extensions[0].extType).toBe(ControlExtensionType.TransportPolicy);
  });

  it('falls back to the documented order (auth ‖ extensions)', () => {
    const body = splitClientHelloBody(lengths, Buffer.concat([auth, extensions]));
    expect(body.auth).toEqual(auth);
    expect(body.extensions[0].extType).toBe(ControlExtensionType.TransportPolicy);
  });

  it('gives the auth block alone when there are no extensions', () => {
    const body = splitClientHelloBody({ controlExtensionBytes: 0, authBytes: 40 }, auth);
    expect(body).toEqual({ extensions: [], auth });
  });

  it('refuses a body whose length is not the sum of the two blocks', () => {
    expectProtocolError(
      () => splitClientHelloBody(lengths, Buffer.concat([extensions, auth, Buffer.alloc(1)])),
      LengthMismatch,
      'client_hello.body',
    );
  });

  it('reports the Python-order error when neither order parses', () => {
    // Python order: an entry announcing 16 payload bytes where 8 remain (TooShort); documented
    // order: an entry of the reserved type 0 (InvalidProtocolCombination).
    const body = hex('0100 0000 10000000 0000000000000000 abababababababab');
    expectProtocolError(
      () => splitClientHelloBody({ controlExtensionBytes: 16, authBytes: 8 }, body),
      TooShort,
      'control_extension.payload',
    );
  });
});
