import { randomBytes } from 'node:crypto';
import type { RemoteInfo, Socket } from 'node:dgram';
import { QuicCarrierError } from './quic-carrier-error';
import {
  QuicConnection,
  type QuicConnectionHost,
  type QuicConnectionSettings,
} from './quic-connection';
import { connectionIdKey, isLongHeader, routingKeyOf } from './quic-datagram-routing';
import type { QuicRetryTokens } from './quic-retry-token';
import { QuicTurnScheduler } from './quic-turn-scheduler';
import {
  QUIC_CONNECTION_ID_BYTES,
  QUIC_MIN_INITIAL_DATAGRAM_BYTES,
  QUIC_TRANSPORT_CONNECTION_REFUSED,
} from './quic-wire-constants';
import type {
  QuicNative,
  QuicheConfig,
  QuicheConnection,
  QuicheHeader,
  QuicheHostPort,
} from './quiche-binding';

/** Largest datagram the socket can hand us, so reads never truncate. */
const MAX_UDP_DATAGRAM_BYTES = 65_535;
/** Reason sent with CONNECTION_REFUSED when the connection limit is reached. */
const CONNECTION_LIMIT_REASON = Buffer.from('server connection limit reached');

/** Server endpoint settings (already validated). */
export interface QuicServerEndpointSettings {
  readonly connection: QuicConnectionSettings;
  readonly maxConnections: number;
  /** Tokens for stateless retry, or `undefined` to accept without address validation. */
  readonly retryTokens: QuicRetryTokens | undefined;
  /** New connections, after the handshake and the ALPN check. */
  readonly onConnection: (connection: QuicConnection) => void;
  /** Handshakes that failed (TLS, ALPN, timeout), for logs and metrics. */
  readonly onHandshakeFailure?: (error: QuicCarrierError, address: string, port: number) => void;
}

/** Counters of an endpoint, for tests and metrics. */
export interface QuicServerEndpointStats {
  /** Connections quiche still holds (handshaking, open, closing). */
  readonly connections: number;
  readonly retriesSent: number;
  readonly versionNegotiationsSent: number;
  readonly refusedConnections: number;
  readonly droppedDatagrams: number;
  readonly sendErrors: number;
  /** Datagrams received and sent (benchmarks divide CPU time by these). */
  readonly datagramsReceived: number;
  readonly datagramsSent: number;
}

/**
 * The server side of one UDP socket: routes datagrams to connections by destination connection
 * id, answers unknown versions, performs stateless retry, enforces the connection limit and
 * creates connections. Sending reuses one buffer: quiche writes a packet into it and the endpoint
 * copies exactly the datagram out for `dgram`, which keeps a reference until the kernel took it.
 */
export class QuicServerEndpoint implements QuicConnectionHost {
  readonly scheduler = new QuicTurnScheduler();
  readonly localAddress: QuicheHostPort;
  readonly sendBuffer: Buffer;
  readonly readBuffer: Buffer;

  /** By connection id key; a connection may appear under its id and the client's first DCID. */
  private readonly routes = new Map<string, QuicConnection>();
  private readonly routeKeys = new Map<QuicConnection, string[]>();
  private accepting = true;
  private socketClosed = false;
  private readonly socketClosedPromise: Promise<void>;
  private retriesSent = 0;
  private versionNegotiationsSent = 0;
  private refusedConnections = 0;
  private droppedDatagrams = 0;
  private sendErrors = 0;
  private datagramsReceived = 0;
  private datagramsSent = 0;

  constructor(
    readonly native: QuicNative,
    private readonly socket: Socket,
    private readonly config: QuicheConfig,
    private readonly settings: QuicServerEndpointSettings,
  ) {
    const address = socket.address();
    this.localAddress = { host: address.address, port: address.port };
    this.sendBuffer = Buffer.allocUnsafe(settings.connection.transport.maxUdpPayloadBytes);
    this.readBuffer = Buffer.allocUnsafe(MAX_UDP_DATAGRAM_BYTES);
    this.socketClosedPromise = new Promise<void>((resolve) => {
      socket.once('close', () => {
        // dgram throws synchronously when sending on a closed socket: stop transmitting.
        this.socketClosed = true;
        resolve();
      });
    });
    socket.on('message', this.onDatagram);
    socket.on('error', this.onSocketError);
  }

  /** Endpoint counters. */
  get stats(): QuicServerEndpointStats {
    return {
      connections: this.routeKeys.size,
      retriesSent: this.retriesSent,
      versionNegotiationsSent: this.versionNegotiationsSent,
      refusedConnections: this.refusedConnections,
      droppedDatagrams: this.droppedDatagrams,
      sendErrors: this.sendErrors,
      datagramsReceived: this.datagramsReceived,
      datagramsSent: this.datagramsSent,
    };
  }

  /**
   * Stops accepting connections. Resolves once the socket is closed, which happens when the
   * last existing connection is gone (like `net.Server.close`).
   */
  close(): Promise<void> {
    this.accepting = false;
    this.closeSocketWhenIdle();
    return this.socketClosedPromise;
  }

  transmit(buffer: Buffer, length: number, to: QuicheHostPort): void {
    if (this.socketClosed) return;
    const datagram = Buffer.allocUnsafe(length);
    buffer.copy(datagram, 0, 0, length);
    this.datagramsSent++;
    this.socket.send(datagram, to.port, to.host, this.onSent);
  }

  connectionOpened(connection: QuicConnection): void {
    this.settings.onConnection(connection);
  }

  connectionFailed(connection: QuicConnection, error: QuicCarrierError): void {
    this.settings.onHandshakeFailure?.(error, connection.remoteAddress, connection.remotePort);
  }

  connectionFinished(connection: QuicConnection): void {
    for (const key of this.routeKeys.get(connection) ?? []) {
      if (this.routes.get(key) === connection) this.routes.delete(key);
    }
    this.routeKeys.delete(connection);
    this.closeSocketWhenIdle();
  }

  private readonly onDatagram = (datagram: Buffer, remote: RemoteInfo): void => {
    this.datagramsReceived++;
    const key = routingKeyOf(datagram);
    if (key === undefined) {
      this.droppedDatagrams++;
      return;
    }
    const connection = this.routes.get(key);
    if (connection !== undefined) {
      connection.receive(datagram, remote.address, remote.port);
      return;
    }
    // Only long-header packets can start a connection; a short header for an unknown id is
    // a stale connection (a stateless reset would be an optional courtesy).
    if (!this.accepting || !isLongHeader(datagram)) {
      this.droppedDatagrams++;
      return;
    }
    this.acceptDatagram(datagram, remote);
  };

  private acceptDatagram(datagram: Buffer, remote: RemoteInfo): void {
    const { quiche, packetType } = this.native;
    // RFC 9000 §14.1: Initials ride in >= 1200-byte datagrams, which also bounds what a spoofed
    // source can make us send (version negotiation, retry, refusal).
    if (datagram.length < QUIC_MIN_INITIAL_DATAGRAM_BYTES) {
      this.droppedDatagrams++;
      return;
    }
    let header: QuicheHeader;
    try {
      header = quiche.Header.fromSlice(datagram, QUIC_CONNECTION_ID_BYTES);
    } catch {
      this.droppedDatagrams++;
      return;
    }
    if (!quiche.versionIsSupported(header.version)) {
      const length = quiche.negotiateVersion(header.scid, header.dcid, this.sendBuffer);
      this.versionNegotiationsSent++;
      this.transmit(this.sendBuffer, length, { host: remote.address, port: remote.port });
      return;
    }
    if (header.ty !== packetType.Initial) {
      this.droppedDatagrams++;
      return;
    }
    if (this.routeKeys.size >= this.settings.maxConnections) {
      this.refuse(datagram, remote);
      return;
    }

    let scid: Buffer;
    let originalDcid: Buffer | null = null;
    const retryTokens = this.settings.retryTokens;
    if (retryTokens !== undefined) {
      const token = header.token;
      if (token === undefined || token.length === 0) {
        this.sendRetry(header, remote, retryTokens);
        return;
      }
      const validated = retryTokens.validate(token, remote.address, header.dcid);
      if (validated === undefined) {
        // Forged, expired or from another address: drop (RFC 9000 §8.1.3 allows silence).
        this.droppedDatagrams++;
        return;
      }
      originalDcid = validated;
      scid = Buffer.from(header.dcid);
      if (scid.length !== QUIC_CONNECTION_ID_BYTES) {
        this.droppedDatagrams++;
        return;
      }
    } else {
      scid = randomBytes(QUIC_CONNECTION_ID_BYTES);
    }

    const remoteHostPort = { host: remote.address, port: remote.port };
    let connection: QuicConnection;
    try {
      const conn = quiche.Connection.accept(
        scid,
        originalDcid,
        this.localAddress,
        remoteHostPort,
        this.config,
      );
      connection = new QuicConnection(
        conn,
        this,
        this.settings.connection,
        remote.address,
        remote.port,
      );
    } catch {
      this.droppedDatagrams++;
      return;
    }
    // The client keeps addressing its own first DCID until our first Initial reaches it, so
    // retransmissions are routed by that id too (without retry it differs from ours).
    const keys = [connectionIdKey(scid)];
    const clientDcidKey = connectionIdKey(header.dcid);
    if (clientDcidKey !== keys[0]) keys.push(clientDcidKey);
    for (const key of keys) this.routes.set(key, connection);
    this.routeKeys.set(connection, keys);
    connection.receive(datagram, remote.address, remote.port);
  }

  private sendRetry(header: QuicheHeader, remote: RemoteInfo, retryTokens: QuicRetryTokens): void {
    const retryScid = randomBytes(QUIC_CONNECTION_ID_BYTES);
    const token = retryTokens.mint(remote.address, header.dcid, retryScid);
    const length = this.native.quiche.retry(
      header.scid,
      header.dcid,
      retryScid,
      token,
      header.version,
      this.sendBuffer,
    );
    this.retriesSent++;
    this.transmit(this.sendBuffer, length, { host: remote.address, port: remote.port });
  }

  /**
   * Answers an Initial beyond the connection limit with CONNECTION_REFUSED, through a throw-away
   * connection that is dropped once its packets are out. quiche 0.18 sends the close only in the
   * highest packet space it has keys for, which after reading the ClientHello is Handshake; the
   * client can read that only with the ServerHello, so the first flight goes out before the
   * close (RFC 9000 §10.2.3 would allow an Initial close alone, quiche does not produce it).
   */
  private refuse(datagram: Buffer, remote: RemoteInfo): void {
    this.refusedConnections++;
    const remoteHostPort = { host: remote.address, port: remote.port };
    try {
      const conn = this.native.quiche.Connection.accept(
        randomBytes(QUIC_CONNECTION_ID_BYTES),
        null,
        this.localAddress,
        remoteHostPort,
        this.config,
      );
      conn.recv(datagram, { from: remoteHostPort, to: this.localAddress });
      this.transmitAll(conn);
      conn.close(false, QUIC_TRANSPORT_CONNECTION_REFUSED, CONNECTION_LIMIT_REASON);
      this.transmitAll(conn);
    } catch {
      // The Initial was unusable; silence is an acceptable refusal too.
    }
  }

  private transmitAll(conn: QuicheConnection): void {
    let result = conn.send(this.sendBuffer);
    while (result !== null) {
      this.transmit(this.sendBuffer, result[0], result[1].to);
      result = conn.send(this.sendBuffer);
    }
  }

  private closeSocketWhenIdle(): void {
    if (this.accepting || this.routeKeys.size > 0 || this.socketClosed) return;
    this.socketClosed = true;
    this.scheduler.dispose();
    this.socket.off('message', this.onDatagram);
    this.socket.close();
  }

  private readonly onSent = (error: Error | null): void => {
    // UDP is best effort: a failed send is a lost packet, which QUIC recovers from. Passing a
    // callback keeps dgram from turning send failures into socket 'error' events.
    if (error !== null) this.sendErrors++;
  };

  private readonly onSocketError = (error: Error): void => {
    const failure = new QuicCarrierError('socket', `UDP socket error: ${error.message}`, {
      cause: error,
    });
    this.accepting = false;
    for (const connection of [...this.routeKeys.keys()]) connection.destroy(failure);
  };
}
