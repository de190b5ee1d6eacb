import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer, TlsOptions } from 'node:tls';
import { Carrier, CarrierConnection, CarrierListener } from '../carrier-connection';
import { TcpCarrierConnection } from './tcp-carrier-connection';

/** Options of the TCP listener. */
export interface TcpListenerOptions {
  /** Interface to bind (default `0.0.0.0`). */
  host?: string;
  /** Port; 0 picks a free one (see the listener's `address`). */
  port: number;
  /** Serve TLS instead of plain TCP (an option: no NNRP reference uses TLS on TCP). */
  tls?: Pick<TlsOptions, 'cert' | 'key' | 'ca' | 'requestCert' | 'passphrase'>;
  /** Listen backlog. */
  backlog?: number;
  /**
   * TLS only: a client must complete the TLS handshake within this time (default 10 s); one that
   * opens TCP and never starts TLS is cut then. The engine sets it to its handshake timeout.
   */
  tlsHandshakeTimeoutMs?: number;
  /** Sockets accepted at once (before TLS too); more are refused by the kernel listener. */
  maxConnections?: number;
}

const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Plain TCP (or TLS) carrier: one NNRP byte stream per connection (control-plane.md §2.1). */
export class TcpCarrier implements Carrier {
  constructor(private readonly options: TcpListenerOptions) {}

  async listen(onConnection: (connection: CarrierConnection) => void): Promise<CarrierListener> {
    const accept = (socket: Socket): void => onConnection(new TcpCarrierConnection(socket));
    const { tls } = this.options;
    // allowHalfOpen: a client's FIN ends its requests, not our answers (they are still due).
    const server: Server = tls
      ? createTlsServer(
          {
            ...tls,
            allowHalfOpen: true,
            handshakeTimeout:
              this.options.tlsHandshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
          },
          accept,
        )
      : createServer({ noDelay: true, pauseOnConnect: true, allowHalfOpen: true }, accept);
    if (this.options.maxConnections !== undefined)
      server.maxConnections = this.options.maxConnections;
    // A failed or timed-out TLS handshake leaves the socket open unless destroyed here.
    server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
    // Raw sockets, to cut on close the ones that never sent a byte (a TLS handshake never begun).
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    const host = this.options.host ?? '0.0.0.0';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: this.options.port, backlog: this.options.backlog }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address() as AddressInfo;
    return {
      carrier: 'tcp',
      address: { host: bound.address, port: bound.port },
      // net.Server#close stops accepting at once but calls back only after every connection
      // ended; the engine drains and closes those itself, so do not wait for them here.
      close: async () => {
        server.close();
        for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
      },
    };
  }
}
