import type { StreamKind } from '../carrier-connection';

/**
 * QUIC stream id arithmetic (RFC 9000 §2.1): the two low bits say who opened the stream
 * (bit 0: 0 client, 1 server) and whether it is unidirectional (bit 1).
 */

/** Bit 0 of a stream id: set when the server opened the stream. */
const STREAM_ID_SERVER_INITIATED_BIT = 0x1;
/** Bit 1 of a stream id: set for unidirectional streams. */
const STREAM_ID_UNIDIRECTIONAL_BIT = 0x2;
/** Mask of the two type bits. */
const STREAM_ID_TYPE_MASK = 0x3;

/** Consecutive streams of one type are this far apart. */
export const STREAM_ID_STEP = 4;
/** The client's first bidirectional stream: NNRP's control stream over QUIC. */
export const FIRST_CLIENT_BIDI_STREAM_ID = 0;
/** The client's first unidirectional stream. */
export const FIRST_CLIENT_UNI_STREAM_ID = 2;
/** The server's first unidirectional stream. */
export const FIRST_SERVER_UNI_STREAM_ID = 3;

/** Which side of the connection is local. */
export type QuicRole = 'client' | 'server';

/** `'uni'` or `'bidi'` from the id alone. */
export function streamKindOf(streamId: number): StreamKind {
  return (streamId & STREAM_ID_UNIDIRECTIONAL_BIT) === 0 ? 'bidi' : 'uni';
}

/** Whether `role` opened the stream. */
export function isInitiatedBy(streamId: number, role: QuicRole): boolean {
  const serverInitiated = (streamId & STREAM_ID_SERVER_INITIATED_BIT) !== 0;
  return role === 'server' ? serverInitiated : !serverInitiated;
}

/** Whether the id names a client-opened bidirectional stream (the only ones NNRP writes on). */
export function isClientBidiStream(streamId: number): boolean {
  return (
    Number.isSafeInteger(streamId) &&
    streamId >= 0 &&
    (streamId & STREAM_ID_TYPE_MASK) === FIRST_CLIENT_BIDI_STREAM_ID
  );
}

/** The first unidirectional stream id `role` may open. */
export function firstUniStreamId(role: QuicRole): number {
  return role === 'server' ? FIRST_SERVER_UNI_STREAM_ID : FIRST_CLIENT_UNI_STREAM_ID;
}
