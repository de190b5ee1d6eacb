import fc from 'fast-check';
import { NnrpErrorKind } from '../src/errors/nnrp-error-kind';
import { MessageType } from '../src/header/message-type';
import {
  decodeHeader,
  encodeHeader,
  HEADER_LEN,
  HeaderOffset,
  PacketHeader,
} from '../src/header/packet-header';
import {
  bytes,
  expectOnlyProtocolErrors,
  expectProtocolError,
  hex,
  mutated,
  thrownBy,
} from './control/control-test-helpers';
import { headerArb } from './packet-arbitraries';

// The 40-byte common header (control-plane.md §1).

/** §1.4: FLOW_UPDATE, meta_len 32, session 42, route 9, trace 0x1122334455667788. */
const GOLDEN = hex(
  '4E4E5250 01 00 17 28 00000000 20000000 00000000 2A000000 00000000 0000 0900 8877665544332211',
);
const GOLDEN_HEADER: PacketHeader = {
  messageType: MessageType.FlowUpdate,
  flags: 0,
  metaLen: 32,
  bodyLen: 0,
  sessionId: 42,
  frameId: 0,
  viewId: 0,
  routeId: 9,
  traceId: 0x1122334455667788n,
};
function patched(offset: number, write: (b: Buffer, at: number) => void): Buffer {
  const copy = Buffer.from(GOLDEN);
  write(copy, offset);
  return copy;
}

describe('common header', () => {
  it('decodes the §1.4 golden vector and encodes it back byte for byte', () => {
    expect(decodeHeader(GOLDEN)).toEqual(GOLDEN_HEADER);
    expect(encodeHeader(GOLDEN_HEADER).toString('hex')).toBe(GOLDEN.toString('hex'));
  });

  it('reads and writes at an offset inside a larger buffer', () => {
    const target = Buffer.alloc(HEADER_LEN + 8, 0xee);
    encodeHeader(GOLDEN_HEADER, target, 8);
    expect(target.subarray(8).equals(GOLDEN)).toBe(true);
    expect(target.subarray(0, 8).every((b) => b === 0xee)).toBe(true);
    expect(decodeHeader(target, 8)).toEqual(GOLDEN_HEADER);
    expectProtocolError(() => decodeHeader(target, 9), NnrpErrorKind.TooShort, 'header');
  });

  it('round-trips every valid header', () => {
    fc.assert(
      fc.property(headerArb, (header) => {
        const encoded = encodeHeader(header);
        expect(encoded.length).toBe(HEADER_LEN);
        expect(decodeHeader(encoded)).toEqual(header);
      }),
    );
  });

  // prettier-ignore
  it.each<[string, Buffer, NnrpErrorKind, string]>([
    ['39 bytes', GOLDEN.subarray(0, HEADER_LEN - 1), NnrpErrorKind.TooShort, 'header'],
    ['magic NNRQ', patched(3, (b, at) => (b[at] = 0x51)), NnrpErrorKind.InvalidMagic, 'header.magic'],
    ['version 2', patched(HeaderOffset.versionMajor, (b, at) => (b[at] = 2)), NnrpErrorKind.UnsupportedVersion, 'header.version_major'],
    ['wire format 3 ("preview3" is not a wire format)', patched(HeaderOffset.wireFormat, (b, at) => (b[at] = 3)), NnrpErrorKind.UnsupportedWireFormat, 'header.wire_format'],
    ['header_len 24', patched(HeaderOffset.headerLen, (b, at) => (b[at] = 24)), NnrpErrorKind.InvalidHeaderLength, 'header.header_len'],
    ['flag bit 6', patched(HeaderOffset.flags, (b, at) => b.writeUInt32LE(0x40, at)), NnrpErrorKind.ReservedBitsSet, 'header.flags'],
    ['type 0x30 (preview4)', patched(HeaderOffset.messageType, (b, at) => (b[at] = 0x30)), NnrpErrorKind.UnknownMessageType, 'header.msg_type'],
    ['lengths summing past u32', patched(HeaderOffset.bodyLen, (b, at) => b.writeUInt32LE(0xffffffe0, at)), NnrpErrorKind.LengthOverflow, 'header.meta_len+body_len'],
  ])('refuses %s', (_label, src, kind, field) => {
    expectProtocolError(() => decodeHeader(src), kind, field);
  });

  it('checks in the reference order: magic, version, wire format, header_len, flags, type', () => {
    const breaks: [(b: Buffer) => void, NnrpErrorKind][] = [
      [(b) => (b[0] = 0), NnrpErrorKind.InvalidMagic],
      [(b) => (b[HeaderOffset.versionMajor] = 9), NnrpErrorKind.UnsupportedVersion],
      [(b) => (b[HeaderOffset.wireFormat] = 9), NnrpErrorKind.UnsupportedWireFormat],
      [(b) => (b[HeaderOffset.headerLen] = 9), NnrpErrorKind.InvalidHeaderLength],
      [(b) => b.writeUInt32LE(0x80000000, HeaderOffset.flags), NnrpErrorKind.ReservedBitsSet],
      [(b) => (b[HeaderOffset.messageType] = 0xee), NnrpErrorKind.UnknownMessageType],
    ];
    // With every field from `first` on broken, the first of them is the one reported.
    breaks.forEach(([, kind], first) => {
      const bad = Buffer.from(GOLDEN);
      breaks.slice(first).forEach(([breakField]) => breakField(bad));
      expect(thrownBy(() => decodeHeader(bad))).toMatchObject({ kind });
    });
  });

  it('encoder refuses unknown flags and types and length overflow', () => {
    expectProtocolError(
      () => encodeHeader({ ...GOLDEN_HEADER, flags: 0x40 }),
      NnrpErrorKind.ReservedBitsSet,
      'header.flags',
    );
    expectProtocolError(
      () => encodeHeader({ ...GOLDEN_HEADER, messageType: 0x0b as MessageType }),
      NnrpErrorKind.UnknownMessageType,
      'header.msg_type',
    );
    expectProtocolError(
      () => encodeHeader({ ...GOLDEN_HEADER, metaLen: 0xffffffff, bodyLen: 1 }),
      NnrpErrorKind.LengthOverflow,
      'header.meta_len+body_len',
    );
  });

  it('throws nothing but protocol errors on random and mutated bytes', () => {
    const candidates = fc.oneof(bytes(48), mutated(headerArb.map((h) => encodeHeader(h))));
    fc.assert(fc.property(candidates, (src) => expectOnlyProtocolErrors(() => decodeHeader(src))));
  });
});
