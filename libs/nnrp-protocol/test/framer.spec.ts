import fc from 'fast-check';
import { NnrpErrorKind } from '../src/errors/nnrp-error-kind';
import { NnrpProtocolError } from '../src/errors/nnrp-protocol-error';
import { MessageType } from '../src/header/message-type';
import { encodeHeader, HEADER_LEN, HeaderOffset, PacketHeader } from '../src/header/packet-header';
import { FramerLimits } from '../src/framer/framer-limits';
import { SPILL_BYTES } from '../src/framer/packet-assembly';
import { StreamFramer } from '../src/framer/stream-framer';
import { encodePacket, Packet, packetHeaderFor } from '../src/packet/packet';
import { bytes, mutated, thrownBy } from './control/control-test-helpers';
import { headerArb, PacketParts, packetPartsArb, streamOf } from './packet-arbitraries';

// The stream framer (control-plane.md §2): packets out of any chunking, errors only of our
// type, and no buffer sized from a header before that header passed the caps.

/** Splits `stream` into copies of `sizes[0]`, `sizes[1]`, … bytes (cycling), like a socket. */
function chunked(stream: Buffer, sizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let pos = 0, i = 0; pos < stream.length; i += 1) {
    const end = Math.min(stream.length, pos + sizes[i % sizes.length]);
    chunks.push(Buffer.from(stream.subarray(pos, end)));
    pos = end;
  }
  return chunks;
}

/** Feeds every chunk and returns what the framer emitted. */
function frame(chunks: readonly Buffer[], framer = new StreamFramer()): Packet[] {
  const packets: Packet[] = [];
  for (const chunk of chunks) framer.push(chunk, (packet) => packets.push(packet));
  return packets;
}

/** A packet in comparable form: its header, and its metadata and body as hex. */
function comparable(packet: Packet): [PacketHeader, string, string] {
  return [packet.header, packet.metadata.toString('hex'), packet.body.toString('hex')];
}

function expected(parts: PacketParts): [PacketHeader, string, string] {
  const header = packetHeaderFor(parts.address, parts.metadata.length, parts.body.length);
  return [header, parts.metadata.toString('hex'), parts.body.toString('hex')];
}

const packetsArb = fc.array(packetPartsArb, { minLength: 1, maxLength: 8 });
/** Chunk sizes from one byte to several packets at a time. */
const chunkSizesArb = fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 10 });

describe('StreamFramer', () => {
  it('yields the same packets for every chunking of a packet stream', () => {
    fc.assert(
      fc.property(packetsArb, chunkSizesArb, (parts, sizes) => {
        const framer = new StreamFramer();
        const packets = frame(chunked(streamOf(parts), sizes), framer);
        expect(packets.map(comparable)).toEqual(parts.map(expected));
        expect(framer.midPacket).toBe(false);
        expect(framer.bufferedBytes).toBe(0);
        expect(() => framer.end()).not.toThrow();
      }),
    );
  });

  it('yields the same packets when fed one byte at a time', () => {
    fc.assert(
      fc.property(packetsArb, (parts) => {
        expect(frame(chunked(streamOf(parts), [1])).map(comparable)).toEqual(parts.map(expected));
      }),
      { numRuns: 30 },
    );
  });

  it('hands out views of the chunk, without copying, for packets inside one chunk', () => {
    const chunk = Buffer.concat([
      encodePacket({ messageType: MessageType.Ping }),
      encodePacket({ messageType: MessageType.Close }, undefined, Buffer.from('bye')),
    ]);
    const packets = frame([chunk]);
    expect(packets.map((p) => p.header.messageType)).toEqual([MessageType.Ping, MessageType.Close]);
    expect(packets[1].body.toString()).toBe('bye');
    expect(packets[1].body.buffer).toBe(chunk.buffer);
  });

  it('throws only NnrpProtocolError on random and mutated streams, then stays failed', () => {
    const streams = fc.oneof(bytes(400), mutated(packetsArb.map(streamOf)));
    fc.assert(
      fc.property(streams, chunkSizesArb, (stream, sizes) => {
        const framer = new StreamFramer({ maxMetaLen: 1024, maxBodyLen: 4096 });
        const error = thrownBy(() => frame(chunked(stream, sizes), framer));
        if (error === undefined) return;
        expect(error).toBeInstanceOf(NnrpProtocolError);
        expect(thrownBy(() => framer.push(Buffer.alloc(1), () => undefined))).toBe(error);
        expect(thrownBy(() => framer.end())).toBe(error);
      }),
    );
  });

  it('fails a bad header at once and holds nothing of it', () => {
    const framer = new StreamFramer();
    const bad = encodePacket({ messageType: MessageType.Ping });
    bad[0] = 0x41;
    expect(thrownBy(() => frame([bad], framer))).toMatchObject({
      kind: NnrpErrorKind.InvalidMagic,
    });
    expect(framer.bufferedBytes).toBe(0);
  });

  it('reports a stream that ends inside a packet, and forgets it on reset', () => {
    const framer = new StreamFramer();
    const packet = encodePacket(
      { messageType: MessageType.Close },
      undefined,
      Buffer.from('reason'),
    );
    frame([packet.subarray(0, HEADER_LEN + 2)], framer);
    expect(framer.midPacket).toBe(true);
    expect(framer.bufferedBytes).toBe(HEADER_LEN + 2);
    expect(thrownBy(() => framer.end())).toMatchObject({ kind: NnrpErrorKind.LengthMismatch });
    frame([packet.subarray(0, 10)], framer);
    framer.reset();
    expect(framer.midPacket).toBe(false);
    expect(frame([packet], framer)).toHaveLength(1);
  });

  it('reserves buffer for what arrived, not for what a header announces (O2)', () => {
    const bodyLen = 32 * 1024 * 1024;
    const body = Buffer.alloc(bodyLen, 0x5a);
    body.writeUInt32LE(0xdeadbeef, bodyLen - 4);
    const packet = encodePacket({ messageType: MessageType.Close }, undefined, body);
    const framer = new StreamFramer({ maxBodyLen: bodyLen });
    // The header and one byte of a 32 MiB body: one small buffer, not 32 MiB.
    expect(frame([packet.subarray(0, HEADER_LEN + 1)], framer)).toEqual([]);
    expect(framer.reservedBytes).toBe(SPILL_BYTES);
    // The rest in 64 KiB chunks: what is held follows what arrived.
    const packets: Packet[] = [];
    let received = HEADER_LEN + 1;
    const step = 64 * 1024;
    for (let pos = received; pos < packet.length; pos += step) {
      const chunk = packet.subarray(pos, Math.min(packet.length, pos + step));
      framer.push(chunk, (p) => packets.push(p));
      received += chunk.length;
      if (packets.length === 0) {
        expect(framer.reservedBytes).toBeLessThanOrEqual(received + SPILL_BYTES);
        expect(framer.reservedBytes).toBeGreaterThanOrEqual(received);
      }
    }
    expect(packets).toHaveLength(1);
    expect(packets[0].body.length).toBe(bodyLen);
    expect(packets[0].body.equals(body)).toBe(true);
    expect(framer.reservedBytes).toBe(0);
  });

  it('copies short pieces into a few spill buffers instead of keeping one view per chunk', () => {
    const body = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    const packet = encodePacket({ messageType: MessageType.Close }, undefined, body);
    const framer = new StreamFramer();
    const packets: Packet[] = [];
    // 7-byte chunks (a trickling client), each a fresh buffer that is then overwritten: only
    // copies may survive it.
    for (let pos = 0; pos < packet.length; pos += 7) {
      const chunk = Buffer.from(packet.subarray(pos, Math.min(packet.length, pos + 7)));
      framer.push(chunk, (p) => packets.push(p));
      if (packets.length === 0) {
        expect(framer.reservedBytes).toBeLessThanOrEqual(framer.bufferedBytes + SPILL_BYTES);
      }
      chunk.fill(0);
    }
    expect(packets).toHaveLength(1);
    expect(packets[0].body.equals(body)).toBe(true);
  });
});

describe('StreamFramer length caps', () => {
  const LIMITS: FramerLimits = { maxMetaLen: 64, maxBodyLen: 256 };
  /** Larger than any buffer the framer may allocate before it validated a header. */
  const SMALL_ALLOCATION = HEADER_LEN;

  /** A valid header announcing lengths over at least one cap. */
  const oversizedHeaderArb = headerArb.filter(
    (h) => h.metaLen > LIMITS.maxMetaLen || h.bodyLen > LIMITS.maxBodyLen,
  );

  /** Sizes of every Buffer allocation made while `fn` runs. */
  function allocationsDuring(fn: () => void): number[] {
    const spies = [
      jest.spyOn(Buffer, 'alloc'),
      jest.spyOn(Buffer, 'allocUnsafe'),
      jest.spyOn(Buffer, 'allocUnsafeSlow'),
    ];
    try {
      fn();
      return spies.flatMap((spy) => spy.mock.calls.map((call) => Number(call[0])));
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  }

  it('throws TooLarge at the header, before any assembly buffer exists, for any chunking', () => {
    fc.assert(
      fc.property(oversizedHeaderArb, bytes(64), chunkSizesArb, (header, tail, sizes) => {
        const framer = new StreamFramer(LIMITS);
        const stream = Buffer.concat([encodeHeader(header), tail]);
        const chunks = chunked(stream, sizes);
        let error: unknown;
        const sizesSeen = allocationsDuring(() => {
          error = thrownBy(() => frame(chunks, framer));
        });
        expect(error).toMatchObject({ kind: NnrpErrorKind.TooLarge });
        expect(sizesSeen.filter((size) => size > SMALL_ALLOCATION)).toEqual([]);
        expect(framer.bufferedBytes).toBe(0);
        expect(framer.midPacket).toBe(false);
      }),
    );
  });

  it('names the field over its cap', () => {
    const header = (metaLen: number, bodyLen: number): Buffer =>
      encodeHeader(packetHeaderFor({ messageType: MessageType.FrameSubmit }, metaLen, bodyLen));
    const overMeta = thrownBy(() =>
      frame([header(LIMITS.maxMetaLen + 1, 0)], new StreamFramer(LIMITS)),
    );
    const overBody = thrownBy(() =>
      frame([header(0, LIMITS.maxBodyLen + 1)], new StreamFramer(LIMITS)),
    );
    expect(overMeta).toMatchObject({ kind: NnrpErrorKind.TooLarge, field: 'header.meta_len' });
    expect(overBody).toMatchObject({ kind: NnrpErrorKind.TooLarge, field: 'header.body_len' });
  });

  it('buffers only header bytes while a header is incomplete', () => {
    const framer = new StreamFramer(LIMITS);
    const header = encodeHeader(packetHeaderFor({ messageType: MessageType.Ping }, 0, 0xffffff));
    for (let i = 0; i < HEADER_LEN - 1; i += 1) {
      frame([header.subarray(i, i + 1)], framer);
      expect(framer.bufferedBytes).toBe(i + 1);
    }
    const sizesSeen = allocationsDuring(() => {
      expect(thrownBy(() => frame([header.subarray(HEADER_LEN - 1)], framer))).toMatchObject({
        kind: NnrpErrorKind.TooLarge,
      });
    });
    expect(sizesSeen).toEqual([]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('accepts packets exactly at the caps', () => {
    const metadata = Buffer.alloc(LIMITS.maxMetaLen, 1);
    const body = Buffer.alloc(LIMITS.maxBodyLen, 2);
    const packet = encodePacket({ messageType: MessageType.FrameSubmit }, metadata, body);
    fc.assert(
      fc.property(chunkSizesArb, (sizes) => {
        const packets = frame(chunked(packet, sizes), new StreamFramer(LIMITS));
        expect(packets).toHaveLength(1);
        expect(packets[0].header.metaLen).toBe(LIMITS.maxMetaLen);
        expect(packets[0].body.equals(body)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps the u32 overflow check ahead of the caps', () => {
    const header = encodeHeader(packetHeaderFor({ messageType: MessageType.Ping }, 0, 0));
    header.writeUInt32LE(0xffffffff, HeaderOffset.metaLen);
    header.writeUInt32LE(1, HeaderOffset.bodyLen);
    expect(thrownBy(() => frame([header], new StreamFramer(LIMITS)))).toMatchObject({
      kind: NnrpErrorKind.LengthOverflow,
    });
  });
});
