import { Socket } from 'node:net';
import { CarrierConnection, CarrierConnectionHandler, InboundStream } from '../carrier-connection';

/** TCP has one byte stream per connection; it plays the role of the control stream. */
const TCP_STREAM: InboundStream = Object.freeze({ id: 0, kind: 'bidi' });

let nextId = 1;

/**
 * A TCP (or TLS) socket as a carrier connection, on either side. Writes go straight to the
 * socket in order; `write` returns the socket's own backpressure signal.
 */
export class TcpCarrierConnection implements CarrierConnection {
  readonly carrier = 'tcp' as const;
  readonly id: string;
  readonly supportsUniStreams = false;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private handler: CarrierConnectionHandler | undefined;
  private closeNotified = false;
  private ending = false;
  private lastError: Error | undefined;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(private readonly socket: Socket) {
    this.id = `tcp-${nextId++}`;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    // Small control packets must not wait for Nagle; the Python reference sets it too.
    socket.setNoDelay(true);
    // Hold inbound data until a handler is attached.
    socket.pause();
    socket.on('error', (error) => {
      this.lastError = error;
    });
    socket.on('close', () => this.notifyClosed());
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  get closed(): boolean {
    return this.ending || this.socket.destroyed || this.closeNotified;
  }

  attach(handler: CarrierConnectionHandler): void {
    this.handler = handler;
    this.socket.on('data', (chunk: Buffer) => handler.onStreamData(TCP_STREAM, chunk));
    this.socket.on('end', () => handler.onStreamEnd(TCP_STREAM));
    this.socket.on('drain', () => handler.onWritable());
    this.socket.resume();
  }

  write(parts: readonly Buffer[]): boolean {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return false;
    // Every packet written until the current microtask queue drains leaves in one vectored
    // write (one syscall for many results), bodies uncopied.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.uncork);
    }
    let ok = true;
    for (let i = 0; i < parts.length; i++) ok = socket.write(parts[i]);
    return ok;
  }

  /** Not available (`supportsUniStreams` is false); one ordered byte stream needs no ordering. */
  writeOnNewUniStream(): boolean {
    throw new Error('TCP has no unidirectional streams');
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    if (this.handler) this.socket.resume();
  }

  end(graceMs = 0): void {
    if (this.ending || this.socket.destroyed) return;
    this.ending = true;
    // Finish the write side after the queued bytes, so the peer reads the last packet
    // (decisions.md §16); then close for good after the grace period.
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), graceMs);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  destroy(error?: Error): void {
    if (error) this.lastError = error;
    this.socket.destroy();
  }

  private notifyClosed(): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.handler?.onClosed(this.lastError);
  }
}
