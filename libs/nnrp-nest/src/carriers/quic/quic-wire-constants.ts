/**
 * Wire-level constants of QUIC (RFC 9000 / RFC 9001) and of NNRP over QUIC that the carrier
 * needs by name. Values are fixed by the specifications, not tunables.
 */

/** The only application protocol the carrier speaks (decisions.md §17). */
export const NNRP_ALPN = 'nnrp/1';

/**
 * Length of the connection ids this carrier issues. Short-header packets do not carry the
 * length, so routing relies on every id of ours having exactly this many bytes (quiche's
 * maximum, which also makes ids hard to guess).
 */
export const QUIC_CONNECTION_ID_BYTES = 20;

/** Smallest UDP payload that may carry a client Initial (RFC 9000 §14.1). */
export const QUIC_MIN_INITIAL_DATAGRAM_BYTES = 1200;

/** Transport error code NO_ERROR (RFC 9000 §20.1). */
export const QUIC_TRANSPORT_NO_ERROR = 0x0;
/** Transport error code CONNECTION_REFUSED: the server will not accept the connection. */
export const QUIC_TRANSPORT_CONNECTION_REFUSED = 0x2;
/** First code of the CRYPTO_ERROR range: 0x100 + TLS alert (RFC 9001 §4.8). */
export const QUIC_CRYPTO_ERROR_FIRST = 0x100;
/** Last code of the CRYPTO_ERROR range. */
export const QUIC_CRYPTO_ERROR_LAST = 0x1ff;
/** TLS alert no_application_protocol (RFC 7301 §3.2). */
export const TLS_ALERT_NO_APPLICATION_PROTOCOL = 120;
/** CRYPTO_ERROR for a failed ALPN negotiation, as BoringSSL sends it. */
export const QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL =
  QUIC_CRYPTO_ERROR_FIRST + TLS_ALERT_NO_APPLICATION_PROTOCOL;

/** Application close code for an orderly close (`end`, `destroy()` without error). */
export const NNRP_QUIC_CLOSE_NO_ERROR = 0x0;
/** Application close code for `destroy(error)`: the application gave up on the connection. */
export const NNRP_QUIC_CLOSE_INTERNAL_ERROR = 0x1;
/** Application error code used when the carrier aborts a single stream. */
export const NNRP_QUIC_STREAM_CANCELLED = 0x0;

/**
 * Longest reason phrase put into a CONNECTION_CLOSE. The frame must fit in one packet; a short
 * phrase keeps it well inside the 1200-byte minimum.
 */
export const QUIC_MAX_CLOSE_REASON_BYTES = 128;
