import { connect as connectNet } from 'node:net';
import { connect as connectTls, ConnectionOptions } from 'node:tls';
import { TcpCarrierConnection } from './tcp-carrier-connection';

/** Options of an outgoing TCP carrier connection (clients, tests, tools). */
export interface TcpConnectOptions {
  host: string;
  port: number;
  /** Connect with TLS using these options. */
  tls?: Omit<ConnectionOptions, 'host' | 'port'>;
}

/** Opens a TCP (or TLS) connection and wraps it as a carrier connection. */
export function connectTcp(options: TcpConnectOptions): Promise<TcpCarrierConnection> {
  return new Promise((resolve, reject) => {
    const socket = options.tls
      ? connectTls({ ...options.tls, host: options.host, port: options.port })
      : connectNet({ host: options.host, port: options.port, noDelay: true });
    const ready = options.tls ? 'secureConnect' : 'connect';
    socket.once('error', reject);
    socket.once(ready, () => {
      socket.off('error', reject);
      resolve(new TcpCarrierConnection(socket));
    });
  });
}
