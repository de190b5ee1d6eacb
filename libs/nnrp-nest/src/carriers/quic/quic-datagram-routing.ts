import { QUIC_CONNECTION_ID_BYTES } from './quic-wire-constants';

/**
 * Connection routing straight from the datagram bytes (RFC 9000 §17.2, §17.3). The hot path
 * must not call into the binding per packet just to learn the destination connection id, and
 * both header forms put it at a fixed place.
 */

/** First-byte bit that marks a long header. */
const LONG_HEADER_FORM_BIT = 0x80;
/** Long header: 1 flags byte + 4 version bytes, then the DCID length byte. */
const LONG_HEADER_DCID_LENGTH_OFFSET = 5;
/** Long header: the DCID starts right after its length byte. */
const LONG_HEADER_DCID_OFFSET = LONG_HEADER_DCID_LENGTH_OFFSET + 1;
/** Short header: the DCID follows the flags byte. */
const SHORT_HEADER_DCID_OFFSET = 1;
/** Connection ids are at most 20 bytes in QUIC v1. */
const MAX_CONNECTION_ID_BYTES = 20;

/** Whether the first packet of the datagram has a long header (handshake-phase packets). */
export function isLongHeader(datagram: Uint8Array): boolean {
  return datagram.length > 0 && (datagram[0] & LONG_HEADER_FORM_BIT) !== 0;
}

/**
 * The map key of the connection a datagram is for, or `undefined` when the datagram is too short
 * to be QUIC. Keys are latin1 strings: one char per byte, cheap to build and to hash.
 */
export function routingKeyOf(datagram: Buffer): string | undefined {
  if (isLongHeader(datagram)) {
    if (datagram.length <= LONG_HEADER_DCID_LENGTH_OFFSET) return undefined;
    const length = datagram[LONG_HEADER_DCID_LENGTH_OFFSET];
    const end = LONG_HEADER_DCID_OFFSET + length;
    if (length > MAX_CONNECTION_ID_BYTES || end > datagram.length) return undefined;
    return datagram.toString('latin1', LONG_HEADER_DCID_OFFSET, end);
  }
  const end = SHORT_HEADER_DCID_OFFSET + QUIC_CONNECTION_ID_BYTES;
  if (datagram.length < end) return undefined;
  return datagram.toString('latin1', SHORT_HEADER_DCID_OFFSET, end);
}

/** The map key for a connection id held as bytes (see {@link routingKeyOf}). */
export function connectionIdKey(connectionId: Uint8Array): string {
  return Buffer.from(
    connectionId.buffer,
    connectionId.byteOffset,
    connectionId.byteLength,
  ).toString('latin1');
}
