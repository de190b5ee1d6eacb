import { connect as connectNet, Socket } from 'node:net';
import { connect as connectTls, ConnectionOptions } from 'node:tls';
import { RawWire, RawWireSink } from './raw-wire';

/** The one stream of a TCP connection, as {@link RawWireSink} numbers it. */
const TCP_STREAM_ID = 0;

/** A raw peer's TCP (or TLS) socket. */
export class TcpRawWire implements RawWire {
  private constructor(private readonly socket: Socket) {}

  /** Connects, or rejects when the server refuses the TCP (or TLS) connection. */
  static connect(
    host: string,
    port: number,
    tls: Omit<ConnectionOptions, 'host' | 'port'> | undefined,
  ): Promise<TcpRawWire> {
    return new Promise((resolve, reject) => {
      const socket = tls
        ? connectTls({ ...tls, host, port })
        : connectNet({ host, port, noDelay: true });
      socket.once('error', reject);
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        resolve(new TcpRawWire(socket));
      });
    });
  }

  attach(sink: RawWireSink): void {
    this.socket.on('data', (chunk: Buffer) => sink.onData(TCP_STREAM_ID, chunk));
    // Errors (ECONNRESET after the server's hard close) end in 'close'; nothing to do here.
    this.socket.on('error', () => undefined);
    this.socket.once('close', () => sink.onClose());
  }

  write(bytes: Buffer): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) return false;
    this.socket.write(bytes);
    return true;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }
}
