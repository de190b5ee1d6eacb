import { randomBytes } from 'node:crypto';
import type { RemoteInfo, Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { QuicCarrierError } from './quic-carrier-error';
import {
  QuicConnection,
  type QuicConnectionHost,
  type QuicConnectionSettings,
} from './quic-connection';
import { resolveTransportOptions, requireInteger, type QuicTransportOptions } from './quic-options';
import { QuicTurnScheduler } from './quic-turn-scheduler';
import {
  connectUdpSocket,
  openUdpSocket,
  resolveHostAddress,
  unspecifiedAddressFor,
} from './quic-udp-socket';
import { NNRP_ALPN, QUIC_CONNECTION_ID_BYTES } from './quic-wire-constants';
import type { QuicNative, QuicheConfig, QuicheHostPort } from './quiche-binding';
import { createClientQuicheConfig } from './quiche-config-factory';
import { loadQuicNative } from './quiche-loader';

/** Options of {@link connectQuic}. */
export interface QuicClientOptions extends QuicTransportOptions {
  /**
   * ALPN to offer. Default `nnrp/1`. `null` offers none, like clients that skip ALPN; note that
   * the bundled BoringSSL refuses to start a QUIC handshake without ALPN (RFC 9001 §8.1), so
   * `connectQuic` rejects such a request with an `alpn` error before sending anything.
   */
  readonly alpn?: string | null;
  /** Trust anchors, PEM. Default: Node's bundled root certificates. */
  readonly ca?: string;
  /** Skip server certificate verification (tests and development only). */
  readonly insecure?: boolean;
  /** SNI and the name the certificate must match. Default: `host` when it is a name. */
  readonly serverName?: string;
  /** Local address to bind. Default: the unspecified address of the server's family. */
  readonly localHost?: string;
}

/** The client side of a QUIC connection; the same contract as server connections. */
export type QuicClientConnection = QuicConnection;

const MAX_PORT = 65_535;
/** Largest datagram the socket can hand us. */
const MAX_UDP_DATAGRAM_BYTES = 65_535;

/**
 * Opens a QUIC connection to an NNRP server and resolves once the handshake is complete and
 * the server selected the offered ALPN. Rejects with a {@link QuicCarrierError} (`tls`, `alpn`,
 * `refused`, `handshake-timeout`, ...) after the client socket is closed.
 *
 * On the returned connection, `write(parts)` goes on the client's first bidirectional stream
 * (opened by the first write), `writeOnNewUniStream(parts)` opens a client unidirectional stream
 * and finishes it (Python model), and the handler receives the server's bytes on that bidi stream
 * and on server unidirectional streams, with their id and kind.
 */
export async function connectQuic(
  host: string,
  port: number,
  options: QuicClientOptions = {},
): Promise<QuicClientConnection> {
  requireInteger('port', port, 1, MAX_PORT);
  const transport = resolveTransportOptions(options);
  const alpn = options.alpn === undefined ? NNRP_ALPN : options.alpn;
  if (alpn === null) {
    throw new QuicCarrierError(
      'alpn',
      'cannot offer a QUIC handshake without ALPN: BoringSSL requires ALPN for QUIC (RFC 9001 §8.1)',
    );
  }
  const native = await loadQuicNative();
  const config = createClientQuicheConfig(native, transport, {
    alpn,
    verifyPeer: options.insecure !== true,
    caPem: options.ca ?? rootCertificates.join('\n'),
  });
  const address = await resolveHostAddress(host);
  const socket = await openUdpSocket({
    host: options.localHost ?? unspecifiedAddressFor(address),
    port: 0,
    receiveBufferBytes: transport.socketReceiveBufferBytes,
    sendBufferBytes: transport.socketSendBufferBytes,
  });
  try {
    await connectUdpSocket(socket, address, port);
  } catch (error) {
    socket.close();
    throw error;
  }
  const endpoint = new QuicClientEndpoint(native, socket, {
    role: 'client',
    alpn,
    transport,
    lingerAfterClose: false,
  });
  const serverName = options.serverName ?? (isIP(host) === 0 ? host : null);
  return endpoint.connect(serverName, { host: address, port }, config);
}

/**
 * The client's socket and its single connection. The socket is connected to the server, so
 * sends carry no address, and it closes when the connection is finished.
 */
class QuicClientEndpoint implements QuicConnectionHost {
  readonly scheduler = new QuicTurnScheduler();
  readonly localAddress: QuicheHostPort;
  readonly sendBuffer: Buffer;
  readonly readBuffer = Buffer.allocUnsafe(MAX_UDP_DATAGRAM_BYTES);
  private connection: QuicConnection | undefined;
  private failure: QuicCarrierError | undefined;
  private socketClosed = false;
  private resolveOpen: ((connection: QuicConnection) => void) | undefined;
  private rejectOpen: ((error: Error) => void) | undefined;

  constructor(
    readonly native: QuicNative,
    private readonly socket: Socket,
    private readonly settings: QuicConnectionSettings,
  ) {
    const local = socket.address();
    this.localAddress = { host: local.address, port: local.port };
    this.sendBuffer = Buffer.allocUnsafe(settings.transport.maxUdpPayloadBytes);
    socket.on('message', this.onDatagram);
    socket.on('error', this.onSocketError);
    socket.once('close', this.onSocketClose);
  }

  connect(
    serverName: string | null,
    remote: QuicheHostPort,
    config: QuicheConfig,
  ): Promise<QuicConnection> {
    return new Promise<QuicConnection>((resolve, reject) => {
      this.resolveOpen = resolve;
      this.rejectOpen = reject;
      try {
        const conn = this.native.quiche.Connection.connect(
          serverName,
          randomBytes(QUIC_CONNECTION_ID_BYTES),
          this.localAddress,
          remote,
          config,
        );
        this.connection = new QuicConnection(conn, this, this.settings, remote.host, remote.port);
      } catch (error) {
        this.failure = new QuicCarrierError('config', 'cannot start the QUIC handshake', {
          cause: error,
        });
        this.closeSocket();
        return;
      }
      // The first turn produces the client Initial.
      this.scheduler.schedule(this.connection);
    });
  }

  transmit(buffer: Buffer, length: number): void {
    if (this.socketClosed) return;
    const datagram = Buffer.allocUnsafe(length);
    buffer.copy(datagram, 0, 0, length);
    this.socket.send(datagram, this.onSent);
  }

  connectionOpened(connection: QuicConnection): void {
    const resolve = this.resolveOpen;
    this.resolveOpen = undefined;
    this.rejectOpen = undefined;
    resolve?.(connection);
  }

  connectionFailed(_connection: QuicConnection, error: QuicCarrierError): void {
    this.failure = error;
  }

  connectionFinished(): void {
    this.closeSocket();
  }

  private closeSocket(): void {
    if (this.socketClosed) return;
    this.socketClosed = true;
    this.scheduler.dispose();
    this.socket.off('message', this.onDatagram);
    this.socket.close();
  }

  private readonly onDatagram = (datagram: Buffer, remote: RemoteInfo): void => {
    this.connection?.receive(datagram, remote.address, remote.port);
  };

  private readonly onSent = (): void => {
    // UDP is best effort: a failed send is a lost packet, which QUIC recovers from. Passing a
    // callback keeps dgram from turning send failures into socket 'error' events.
  };

  private readonly onSocketError = (error: Error): void => {
    const failure = new QuicCarrierError('socket', `UDP socket error: ${error.message}`, {
      cause: error,
    });
    if (this.connection === undefined || this.connection.finished) {
      this.failure ??= failure;
      this.closeSocket();
      return;
    }
    this.connection.destroy(failure);
  };

  /** Rejects a pending `connect` only now, so a failed connect leaves no socket behind. */
  private readonly onSocketClose = (): void => {
    this.socketClosed = true;
    const reject = this.rejectOpen;
    this.resolveOpen = undefined;
    this.rejectOpen = undefined;
    reject?.(
      this.failure ?? new QuicCarrierError('transport', 'QUIC connection closed during handshake'),
    );
  };
}
