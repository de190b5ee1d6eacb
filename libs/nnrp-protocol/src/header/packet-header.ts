import { readU16, readU32 } from '../metadata/little-endian';
import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import { requireMask } from '../metadata/field-checks';
import { HEADER_FLAGS_MASK } from './header-flags';
import { isKnownMessageType, MessageType } from './message-type';

/** Length of the common header; `header_len` must equal it (control-plane.md §1.1). */
export const HEADER_LEN = 40;
/** The only `version_major` of NNRP/1. */
export const VERSION_MAJOR = 1;
/** The only `wire_format` of NNRP/1 ("preview3" is not encoded as 3). */
export const WIRE_FORMAT = 0;
/** ASCII `NNRP`, compared byte by byte. */
export const MAGIC = Buffer.from('NNRP', 'latin1');

/** Byte offsets of the common header fields (control-plane.md §1.1). */
export const HeaderOffset = {
  magic: 0,
  versionMajor: 4,
  wireFormat: 5,
  messageType: 6,
  headerLen: 7,
  flags: 8,
  metaLen: 12,
  bodyLen: 16,
  sessionId: 20,
  frameId: 24,
  viewId: 28,
  routeId: 30,
  traceId: 32,
} as const;

const MAX_U32 = 0xffffffff;
const MAGIC_0 = MAGIC[0];
const MAGIC_1 = MAGIC[1];
const MAGIC_2 = MAGIC[2];
const MAGIC_3 = MAGIC[3];

/**
 * The variable fields of the 40-byte common header. `magic`, `version_major`, `wire_format` and
 * `header_len` are constants of NNRP/1: the decoder checks them and the encoder writes them.
 */
export interface PacketHeader {
  messageType: MessageType;
  /** Header flag bits (mask 0x3F), see {@link HeaderFlag}. */
  flags: number;
  metaLen: number;
  bodyLen: number;
  /** 0 = connection scope / not yet assigned. */
  sessionId: number;
  /** Work-unit id; 0 on control messages. */
  frameId: number;
  viewId: number;
  routeId: number;
  /** Opaque tracing id, never interpreted. */
  traceId: bigint;
}

/**
 * Decodes and validates a common header at `offset`, in the reference order
 * (control-plane.md §1.2): length, magic, version, wire format, header length, flags, type; then
 * the u32 overflow of `meta_len + body_len`.
 */
export function decodeHeader(src: Buffer, offset = 0): PacketHeader {
  if (src.length - offset < HEADER_LEN) {
    throw new NnrpProtocolError(
      NnrpErrorKind.TooShort,
      'header',
      `header: expected at least ${HEADER_LEN} bytes, got ${Math.max(0, src.length - offset)}`,
    );
  }
  if (
    src[offset] !== MAGIC_0 ||
    src[offset + 1] !== MAGIC_1 ||
    src[offset + 2] !== MAGIC_2 ||
    src[offset + 3] !== MAGIC_3
  ) {
    throw new NnrpProtocolError(NnrpErrorKind.InvalidMagic, 'header.magic', 'invalid magic');
  }
  const versionMajor = src[offset + HeaderOffset.versionMajor];
  if (versionMajor !== VERSION_MAJOR) {
    throw new NnrpProtocolError(
      NnrpErrorKind.UnsupportedVersion,
      'header.version_major',
      `unsupported version_major ${versionMajor}`,
    );
  }
  const wireFormat = src[offset + HeaderOffset.wireFormat];
  if (wireFormat !== WIRE_FORMAT) {
    throw new NnrpProtocolError(
      NnrpErrorKind.UnsupportedWireFormat,
      'header.wire_format',
      `unsupported wire_format ${wireFormat}`,
    );
  }
  const headerLen = src[offset + HeaderOffset.headerLen];
  if (headerLen !== HEADER_LEN) {
    throw new NnrpProtocolError(
      NnrpErrorKind.InvalidHeaderLength,
      'header.header_len',
      `invalid header_len ${headerLen}`,
    );
  }
  const flags = readU32(src, offset + HeaderOffset.flags);
  requireMask(flags, HEADER_FLAGS_MASK, 'header.flags');
  // The type sits at offset 6 but the reference checks it after the flags.
  const messageType = src[offset + HeaderOffset.messageType];
  if (!isKnownMessageType(messageType)) {
    throw new NnrpProtocolError(
      NnrpErrorKind.UnknownMessageType,
      'header.msg_type',
      `unknown message type 0x${messageType.toString(16)}`,
    );
  }
  const metaLen = readU32(src, offset + HeaderOffset.metaLen);
  const bodyLen = readU32(src, offset + HeaderOffset.bodyLen);
  if (metaLen + bodyLen > MAX_U32) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthOverflow,
      'header.meta_len+body_len',
      'message length overflow',
    );
  }
  return {
    messageType,
    flags,
    metaLen,
    bodyLen,
    sessionId: readU32(src, offset + HeaderOffset.sessionId),
    frameId: readU32(src, offset + HeaderOffset.frameId),
    viewId: readU16(src, offset + HeaderOffset.viewId),
    routeId: readU16(src, offset + HeaderOffset.routeId),
    traceId: src.readBigUInt64LE(offset + HeaderOffset.traceId),
  };
}

/**
 * Writes a common header into `target` at `offset` (a new 40-byte buffer when no target is
 * given). Refuses unknown flag bits and types, as the reference writer does: we never emit them.
 */
export function encodeHeader(header: PacketHeader, target?: Buffer, offset = 0): Buffer {
  requireMask(header.flags, HEADER_FLAGS_MASK, 'header.flags');
  if (!isKnownMessageType(header.messageType)) {
    throw new NnrpProtocolError(
      NnrpErrorKind.UnknownMessageType,
      'header.msg_type',
      `unknown message type 0x${Number(header.messageType).toString(16)}`,
    );
  }
  if (header.metaLen + header.bodyLen > MAX_U32) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthOverflow,
      'header.meta_len+body_len',
      'message length overflow',
    );
  }
  const out = target ?? Buffer.allocUnsafe(HEADER_LEN);
  out[offset] = MAGIC_0;
  out[offset + 1] = MAGIC_1;
  out[offset + 2] = MAGIC_2;
  out[offset + 3] = MAGIC_3;
  out[offset + HeaderOffset.versionMajor] = VERSION_MAJOR;
  out[offset + HeaderOffset.wireFormat] = WIRE_FORMAT;
  out[offset + HeaderOffset.messageType] = header.messageType;
  out[offset + HeaderOffset.headerLen] = HEADER_LEN;
  out.writeUInt32LE(header.flags, offset + HeaderOffset.flags);
  out.writeUInt32LE(header.metaLen, offset + HeaderOffset.metaLen);
  out.writeUInt32LE(header.bodyLen, offset + HeaderOffset.bodyLen);
  out.writeUInt32LE(header.sessionId, offset + HeaderOffset.sessionId);
  out.writeUInt32LE(header.frameId, offset + HeaderOffset.frameId);
  out.writeUInt16LE(header.viewId, offset + HeaderOffset.viewId);
  out.writeUInt16LE(header.routeId, offset + HeaderOffset.routeId);
  out.writeBigUInt64LE(header.traceId, offset + HeaderOffset.traceId);
  return out;
}
