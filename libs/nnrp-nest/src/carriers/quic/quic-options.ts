import { QuicCarrierError } from './quic-carrier-error';

/** Congestion controllers quiche offers. */
export type QuicCongestionControl = 'cubic' | 'reno' | 'bbr';

/** Transport tuning shared by the server carrier and the client. Every field is optional. */
export interface QuicTransportOptions {
  /** Close a connection after this long without traffic (negotiated: the smaller side wins). */
  readonly idleTimeoutMs?: number;
  /** Give up on a handshake that has not completed after this long. */
  readonly handshakeTimeoutMs?: number;
  /** How many bidirectional streams the peer may have open at once. */
  readonly maxStreamsBidi?: number;
  /** How many unidirectional streams the peer may have open at once. */
  readonly maxStreamsUni?: number;
  /** Requested SO_RCVBUF of the UDP socket (the kernel may cap it at `net.core.rmem_max`). */
  readonly socketReceiveBufferBytes?: number;
  /** Requested SO_SNDBUF of the UDP socket (the kernel may cap it at `net.core.wmem_max`). */
  readonly socketSendBufferBytes?: number;
  /** A stream queue above this makes `write` return `false`. */
  readonly streamHighWaterMark?: number;
  /** All queues of a connection together above this make `write*` return `false`. */
  readonly connectionHighWaterMark?: number;
  /** Initial connection flow-control window offered to the peer. */
  readonly initialMaxData?: number;
  /** Initial per-stream flow-control window offered to the peer. */
  readonly initialMaxStreamData?: number;
  /** Largest UDP payload sent and accepted. */
  readonly maxUdpPayloadBytes?: number;
  readonly congestionControl?: QuicCongestionControl;
}

/** {@link QuicTransportOptions} with every default applied. */
export interface ResolvedQuicTransportOptions {
  readonly idleTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly maxStreamsBidi: number;
  readonly maxStreamsUni: number;
  readonly socketReceiveBufferBytes: number;
  readonly socketSendBufferBytes: number;
  readonly streamHighWaterMark: number;
  readonly connectionHighWaterMark: number;
  readonly initialMaxData: number;
  readonly initialMaxStreamData: number;
  readonly maxUdpPayloadBytes: number;
  readonly congestionControl: QuicCongestionControl;
}

const KIB = 1024;
const MIB = KIB * KIB;

/** Idle connections go away after 30 s unless the peer asks for less. */
export const DEFAULT_QUIC_IDLE_TIMEOUT_MS = 30_000;
/** A handshake needs a few round trips; 10 s covers lossy mobile paths. */
export const DEFAULT_QUIC_HANDSHAKE_TIMEOUT_MS = 10_000;
/** NNRP uses one control stream per client; the margin covers future stream models. */
export const DEFAULT_QUIC_MAX_STREAMS_BIDI = 100;
/** The Python model opens one unidirectional stream per request. */
export const DEFAULT_QUIC_MAX_STREAMS_UNI = 100;
/** Big socket buffers absorb bursts of a whole congestion window between event-loop turns. */
export const DEFAULT_QUIC_SOCKET_BUFFER_BYTES = 4 * MIB;
/** Per-stream queue above which `write` asks the caller to wait. */
export const DEFAULT_QUIC_STREAM_HIGH_WATER_MARK = 1 * MIB;
/** Per-connection queue above which `write*` asks the caller to wait. */
export const DEFAULT_QUIC_CONNECTION_HIGH_WATER_MARK = 8 * MIB;
/** quiche grows windows on its own (auto-tuning); these are the starting points. */
export const DEFAULT_QUIC_INITIAL_MAX_DATA = 16 * MIB;
export const DEFAULT_QUIC_INITIAL_MAX_STREAM_DATA = 2 * MIB;
/** quiche's recommended datagram size: safe for common path MTUs with tunnels. */
export const DEFAULT_QUIC_MAX_UDP_PAYLOAD_BYTES = 1350;
/** QUIC v1 requires at least 1200-byte datagrams to be deliverable. */
const MIN_QUIC_UDP_PAYLOAD_BYTES = 1200;
/** Largest UDP payload over IPv4 (65535 - 8 UDP header - 20 IP header). */
const MAX_QUIC_UDP_PAYLOAD_BYTES = 65_507;
/** QUIC varints top out at 2^62-1; quiche caps stream counts well below that. */
const MAX_QUIC_STREAM_COUNT = 2 ** 32;

/** Applies defaults and validates; throws a `config` {@link QuicCarrierError}. */
export function resolveTransportOptions(
  options: QuicTransportOptions,
): ResolvedQuicTransportOptions {
  const resolved: ResolvedQuicTransportOptions = {
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_QUIC_IDLE_TIMEOUT_MS,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_QUIC_HANDSHAKE_TIMEOUT_MS,
    maxStreamsBidi: options.maxStreamsBidi ?? DEFAULT_QUIC_MAX_STREAMS_BIDI,
    maxStreamsUni: options.maxStreamsUni ?? DEFAULT_QUIC_MAX_STREAMS_UNI,
    socketReceiveBufferBytes: options.socketReceiveBufferBytes ?? DEFAULT_QUIC_SOCKET_BUFFER_BYTES,
    socketSendBufferBytes: options.socketSendBufferBytes ?? DEFAULT_QUIC_SOCKET_BUFFER_BYTES,
    streamHighWaterMark: options.streamHighWaterMark ?? DEFAULT_QUIC_STREAM_HIGH_WATER_MARK,
    connectionHighWaterMark:
      options.connectionHighWaterMark ?? DEFAULT_QUIC_CONNECTION_HIGH_WATER_MARK,
    initialMaxData: options.initialMaxData ?? DEFAULT_QUIC_INITIAL_MAX_DATA,
    initialMaxStreamData: options.initialMaxStreamData ?? DEFAULT_QUIC_INITIAL_MAX_STREAM_DATA,
    maxUdpPayloadBytes: options.maxUdpPayloadBytes ?? DEFAULT_QUIC_MAX_UDP_PAYLOAD_BYTES,
    congestionControl: options.congestionControl ?? 'cubic',
  };
  requireInteger('idleTimeoutMs', resolved.idleTimeoutMs, 0);
  requireInteger('handshakeTimeoutMs', resolved.handshakeTimeoutMs, 1);
  requireInteger('maxStreamsBidi', resolved.maxStreamsBidi, 0, MAX_QUIC_STREAM_COUNT);
  requireInteger('maxStreamsUni', resolved.maxStreamsUni, 0, MAX_QUIC_STREAM_COUNT);
  requireInteger('socketReceiveBufferBytes', resolved.socketReceiveBufferBytes, 1);
  requireInteger('socketSendBufferBytes', resolved.socketSendBufferBytes, 1);
  requireInteger('streamHighWaterMark', resolved.streamHighWaterMark, 1);
  requireInteger('connectionHighWaterMark', resolved.connectionHighWaterMark, 1);
  requireInteger('initialMaxData', resolved.initialMaxData, 0);
  requireInteger('initialMaxStreamData', resolved.initialMaxStreamData, 0);
  requireInteger(
    'maxUdpPayloadBytes',
    resolved.maxUdpPayloadBytes,
    MIN_QUIC_UDP_PAYLOAD_BYTES,
    MAX_QUIC_UDP_PAYLOAD_BYTES,
  );
  return resolved;
}

/** Throws a `config` error unless `value` is an integer in `[min, max]`. */
export function requireInteger(
  name: string,
  value: number,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new QuicCarrierError('config', `${name} must be an integer in [${min}, ${max}]`);
  }
}
