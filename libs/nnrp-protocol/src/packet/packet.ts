import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import { decodeHeader, encodeHeader, HEADER_LEN, PacketHeader } from '../header/packet-header';
import { MessageType } from '../header/message-type';

/**
 * A whole packet: `header ‖ metadata ‖ body` (control-plane.md §1). `metadata` and `body` are
 * views into the received bytes, never copies.
 */
export interface Packet {
  readonly header: PacketHeader;
  readonly metadata: Buffer;
  readonly body: Buffer;
}

/** Header fields a sender chooses; lengths are computed from the parts. */
export interface PacketAddress {
  messageType: MessageType;
  flags?: number;
  sessionId?: number;
  frameId?: number;
  viewId?: number;
  routeId?: number;
  traceId?: bigint;
}

const EMPTY = Buffer.alloc(0);

/**
 * Decodes one packet given as exactly its bytes (`CommonHeader::parse_packet`): the header is
 * validated and `40 + meta_len + body_len` must equal `src.length` (`PacketLengthMismatch`).
 */
export function decodePacket(src: Buffer): Packet {
  const header = decodeHeader(src, 0);
  const declared = HEADER_LEN + header.metaLen + header.bodyLen;
  if (declared !== src.length) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      'packet.length',
      `declared packet length does not match actual length: declared ${declared}, actual ${src.length}`,
    );
  }
  const metaEnd = HEADER_LEN + header.metaLen;
  return {
    header,
    metadata: src.subarray(HEADER_LEN, metaEnd),
    body: src.subarray(metaEnd, declared),
  };
}

/** Builds the header for `metadata` and `body`, with exact lengths (the reference recomputes them). */
export function packetHeaderFor(
  address: PacketAddress,
  metaLen: number,
  bodyLen: number,
): PacketHeader {
  return {
    messageType: address.messageType,
    flags: address.flags ?? 0,
    metaLen,
    bodyLen,
    sessionId: address.sessionId ?? 0,
    frameId: address.frameId ?? 0,
    viewId: address.viewId ?? 0,
    routeId: address.routeId ?? 0,
    traceId: address.traceId ?? 0n,
  };
}

/** Encodes a packet into one new buffer (header, metadata and body copied back to back). */
export function encodePacket(
  address: PacketAddress,
  metadata: Buffer = EMPTY,
  body: Buffer = EMPTY,
): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LEN + metadata.length + body.length);
  encodeHeader(packetHeaderFor(address, metadata.length, body.length), out, 0);
  metadata.copy(out, HEADER_LEN);
  body.copy(out, HEADER_LEN + metadata.length);
  return out;
}

/**
 * Encodes a packet as `[header+metadata, body]` without copying the body, for vectored writes
 * of large results (`socket.cork()` / `writev`). The body part is omitted when empty.
 */
export function encodePacketParts(
  address: PacketAddress,
  metadata: Buffer = EMPTY,
  body: Buffer = EMPTY,
): Buffer[] {
  const head = Buffer.allocUnsafe(HEADER_LEN + metadata.length);
  encodeHeader(packetHeaderFor(address, metadata.length, body.length), head, 0);
  metadata.copy(head, HEADER_LEN);
  return body.length === 0 ? [head] : [head, body];
}
