/** NNRP over QUIC: the server carrier, the client connection, and their error type. */
export {
  QuicCarrier,
  QuicListener,
  DEFAULT_QUIC_HOST,
  DEFAULT_QUIC_MAX_CONNECTIONS,
  DEFAULT_QUIC_RETRY_TOKEN_LIFETIME_MS,
  type QuicCarrierOptions,
} from './quic-carrier';
export { connectQuic, type QuicClientConnection, type QuicClientOptions } from './quic-client';
export { QuicConnection, DEFAULT_QUIC_END_GRACE_MS } from './quic-connection';
export {
  QuicCarrierError,
  type QuicCarrierErrorDetails,
  type QuicCarrierErrorKind,
  type QuicErrorOrigin,
} from './quic-carrier-error';
export {
  DEFAULT_QUIC_CONNECTION_HIGH_WATER_MARK,
  DEFAULT_QUIC_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_QUIC_IDLE_TIMEOUT_MS,
  DEFAULT_QUIC_INITIAL_MAX_DATA,
  DEFAULT_QUIC_INITIAL_MAX_STREAM_DATA,
  DEFAULT_QUIC_MAX_STREAMS_BIDI,
  DEFAULT_QUIC_MAX_STREAMS_UNI,
  DEFAULT_QUIC_MAX_UDP_PAYLOAD_BYTES,
  DEFAULT_QUIC_SOCKET_BUFFER_BYTES,
  DEFAULT_QUIC_STREAM_HIGH_WATER_MARK,
  type QuicCongestionControl,
  type QuicTransportOptions,
} from './quic-options';
export type { QuicServerEndpointStats } from './quic-server-endpoint';
export { NNRP_ALPN } from './quic-wire-constants';
