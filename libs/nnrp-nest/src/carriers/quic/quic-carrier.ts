import type { Carrier, CarrierConnection, CarrierListener } from '../carrier-connection';
import { QuicCarrierError } from './quic-carrier-error';
import type { QuicConnection } from './quic-connection';
import { generateDevCertificate } from './quic-dev-certificate';
import {
  requireInteger,
  resolveTransportOptions,
  type QuicTransportOptions,
  type ResolvedQuicTransportOptions,
} from './quic-options';
import { QuicRetryTokens } from './quic-retry-token';
import { QuicServerEndpoint, type QuicServerEndpointStats } from './quic-server-endpoint';
import { openUdpSocket, resolveHostAddress } from './quic-udp-socket';
import { NNRP_ALPN } from './quic-wire-constants';
import { createServerQuicheConfig, type QuicServerTlsMaterial } from './quiche-config-factory';
import { loadQuicNative } from './quiche-loader';

/** Options of {@link QuicCarrier}. Certificate and key, or `dev: true`, are required. */
export interface QuicCarrierOptions extends QuicTransportOptions {
  /** Address to bind; host names are resolved once. Default `0.0.0.0`. */
  readonly host?: string;
  /** UDP port; 0 picks a free one (see {@link QuicListener.address}). Default 0. */
  readonly port?: number;
  /** Server certificate chain, PEM, leaf first. */
  readonly certificateChainPem?: string;
  /** The leaf's private key, PEM (PKCS#8). */
  readonly privateKeyPem?: string;
  /** Generate a self-signed `localhost` certificate at `listen()` (development only). */
  readonly dev?: boolean;
  /** Connections (including handshakes in progress) beyond this are refused. Default 1024. */
  readonly maxConnections?: number;
  /**
   * Validate client addresses with a stateless Retry before keeping any state (RFC 9000 §8.1).
   * Costs one round trip per connection; worth it on public addresses. Default `false`.
   */
  readonly statelessRetry?: boolean;
  /** How long a retry token stays valid. Default 10 s. */
  readonly retryTokenLifetimeMs?: number;
  /** Reports handshakes that failed (bad ALPN, TLS failure, timeout), e.g. for logs. */
  readonly onHandshakeFailure?: (error: QuicCarrierError, address: string, port: number) => void;
}

/** Default bind address: every IPv4 interface. */
export const DEFAULT_QUIC_HOST = '0.0.0.0';
/** Default connection limit. */
export const DEFAULT_QUIC_MAX_CONNECTIONS = 1024;
/** A retry token only has to survive one round trip; 10 s is generous for slow paths. */
export const DEFAULT_QUIC_RETRY_TOKEN_LIFETIME_MS = 10_000;
const MAX_PORT = 65_535;

/** A bound QUIC listener. */
export class QuicListener implements CarrierListener {
  readonly carrier = 'quic' as const;

  /** @internal */
  constructor(
    readonly address: { host: string; port: number },
    /** The certificate chain served (with `dev: true`, the one generated: clients may trust it). */
    readonly certificateChainPem: string,
    private readonly endpoint: QuicServerEndpoint,
  ) {}

  /** Endpoint counters (connections, retries, refusals, drops). */
  get stats(): QuicServerEndpointStats {
    return this.endpoint.stats;
  }

  /**
   * Stops accepting. Existing connections stay with their owners; the promise resolves when the
   * last of them is gone and the socket is closed (like `net.Server.close`).
   */
  close(): Promise<void> {
    return this.endpoint.close();
  }
}

/**
 * NNRP over QUIC, server side: a UDP socket driven through quiche directly. Every connection
 * must negotiate the ALPN `nnrp/1`. See {@link QuicCarrierOptions}.
 */
export class QuicCarrier implements Carrier {
  private readonly transport: ResolvedQuicTransportOptions;
  private readonly maxConnections: number;
  private readonly retryTokenLifetimeMs: number;

  constructor(private readonly options: QuicCarrierOptions) {
    this.transport = resolveTransportOptions(options);
    this.maxConnections = options.maxConnections ?? DEFAULT_QUIC_MAX_CONNECTIONS;
    this.retryTokenLifetimeMs =
      options.retryTokenLifetimeMs ?? DEFAULT_QUIC_RETRY_TOKEN_LIFETIME_MS;
    requireInteger('port', options.port ?? 0, 0, MAX_PORT);
    requireInteger('maxConnections', this.maxConnections, 1);
    requireInteger('retryTokenLifetimeMs', this.retryTokenLifetimeMs, 1);
    const hasMaterial =
      options.certificateChainPem !== undefined || options.privateKeyPem !== undefined;
    if (options.dev === true && hasMaterial) {
      throw new QuicCarrierError('config', 'dev: true generates the certificate; do not pass one');
    }
    if (
      options.dev !== true &&
      (options.certificateChainPem === undefined || options.privateKeyPem === undefined)
    ) {
      throw new QuicCarrierError(
        'config',
        'QUIC needs certificateChainPem and privateKeyPem (or dev: true)',
      );
    }
  }

  async listen(onConnection: (connection: CarrierConnection) => void): Promise<QuicListener> {
    const native = await loadQuicNative();
    const tls = await this.tlsMaterial();
    const config = createServerQuicheConfig(native, this.transport, tls, NNRP_ALPN);
    const host = await resolveHostAddress(this.options.host ?? DEFAULT_QUIC_HOST);
    const socket = await openUdpSocket({
      host,
      port: this.options.port ?? 0,
      receiveBufferBytes: this.transport.socketReceiveBufferBytes,
      sendBufferBytes: this.transport.socketSendBufferBytes,
    });
    const endpoint = new QuicServerEndpoint(native, socket, config, {
      connection: {
        role: 'server',
        alpn: NNRP_ALPN,
        transport: this.transport,
        lingerAfterClose: true,
      },
      maxConnections: this.maxConnections,
      retryTokens:
        this.options.statelessRetry === true
          ? new QuicRetryTokens(this.retryTokenLifetimeMs)
          : undefined,
      onConnection: (connection: QuicConnection) => onConnection(connection),
      onHandshakeFailure: this.options.onHandshakeFailure,
    });
    const bound = socket.address();
    return new QuicListener(
      { host: bound.address, port: bound.port },
      tls.certificateChainPem,
      endpoint,
    );
  }

  private async tlsMaterial(): Promise<QuicServerTlsMaterial> {
    const { certificateChainPem, privateKeyPem } = this.options;
    if (certificateChainPem !== undefined && privateKeyPem !== undefined) {
      return { certificateChainPem, privateKeyPem };
    }
    return generateDevCertificate();
  }
}
