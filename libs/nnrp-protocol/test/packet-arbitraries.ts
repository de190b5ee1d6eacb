import fc from 'fast-check';
import { HEADER_FLAGS_MASK } from '../src/header/header-flags';
import { MessageType } from '../src/header/message-type';
import { PacketHeader } from '../src/header/packet-header';
import { encodePacket, PacketAddress } from '../src/packet/packet';
import { bitsOf, bytes, u16, u32, u64 } from './control/control-test-helpers';

// Arbitrary headers and packets for the header and framer specs.

const KNOWN_TYPES = Object.values(MessageType).filter(
  (value): value is MessageType => typeof value === 'number',
);

const address = {
  messageType: fc.constantFrom(...KNOWN_TYPES),
  flags: bitsOf(HEADER_FLAGS_MASK),
  sessionId: u32,
  frameId: u32,
  viewId: u16,
  routeId: u16,
  traceId: u64,
};

/** Any header the encoder accepts (each length below 2^31, so the sum fits a u32). */
export const headerArb: fc.Arbitrary<PacketHeader> = fc.record({
  ...address,
  metaLen: fc.integer({ min: 0, max: 0x7fffffff }),
  bodyLen: fc.integer({ min: 0, max: 0x7fffffff }),
});

/** A packet's parts, small enough to stream many of them. */
export interface PacketParts {
  address: Required<PacketAddress>;
  metadata: Buffer;
  body: Buffer;
}

export const packetPartsArb: fc.Arbitrary<PacketParts> = fc.record({
  address: fc.record(address),
  metadata: bytes(80),
  body: bytes(300),
});

/** The wire bytes of some packets, back to back. */
export function streamOf(packets: readonly PacketParts[]): Buffer {
  return Buffer.concat(packets.map((p) => encodePacket(p.address, p.metadata, p.body)));
}
