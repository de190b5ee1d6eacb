import { connect as connectNet, Socket } from 'node:net';
import { connect as connectTls, ConnectionOptions } from 'node:tls';
import { ErrorMetadata, MessageType, StreamFramer } from '@nest-nnrp/protocol';
import { decodeInbound, InboundMessage, isPartialResult } from '@nest-nnrp/nest';

/** Where a {@link RawPeer} connects. */
export interface RawPeerOptions {
  port: number;
  host?: string;
  /** Connect with TLS (the TCP listener's optional TLS). */
  tls?: Omit<ConnectionOptions, 'host' | 'port'>;
  /** Keep every decoded packet in {@link RawPeer.packets} (tests); counters only otherwise. */
  keepPackets?: boolean;
  /** Framer caps for what the server sends (default: the codec's). */
  maxBodyLen?: number;
}

interface Waiter {
  condition: () => boolean;
  resolve: (met: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * A client socket that writes whatever bytes it is given (malformed, split, flooded) and checks
 * what the server sends back with the client's own decoder: every packet must decode, nothing
 * may follow a fatal ERROR. The fuzzer's and the fault tests' hostile peer.
 */
export class RawPeer {
  /** Decoded packets, when `keepPackets` was set. */
  readonly packets: InboundMessage[] = [];
  /** ERROR packets received, in order. */
  readonly errors: ErrorMetadata[] = [];
  /** Packets received per message type. */
  readonly counts = new Map<MessageType, number>();
  /** Frames that got their terminal answer (final RESULT_PUSH or RESULT_DROP). */
  terminalAnswers = 0;
  bytesReceived = 0;
  /** Packets that arrived after a fatal ERROR (must stay 0). */
  packetsAfterFatal = 0;
  /** Session id of the first handshake ack (SERVER_HELLO_ACK or SESSION_OPEN_ACK). */
  ackSessionId: number | undefined;
  /** Why the server's bytes failed to decode, if they did. */
  decodeFailure: string | undefined;
  /** True once the socket is gone. */
  isClosed = false;
  /** True when the server closed before this peer ended or destroyed its side. */
  closedByServer = false;
  readonly closed: Promise<void>;
  private readonly framer: StreamFramer;
  private readonly waiters = new Set<Waiter>();
  private fatalSeen = false;
  private localEnd = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: RawPeerOptions,
  ) {
    this.framer = new StreamFramer({ maxBodyLen: options.maxBodyLen });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Errors (ECONNRESET after the server's hard close) end in 'close'; nothing to do here.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        // A partial packet (say, a large result cut off) must not outlive the connection.
        this.framer.reset();
        this.closedByServer = !this.localEnd;
        this.settleWaiters();
        resolve();
      }),
    );
  }

  /** Connects, or rejects when the server refuses the TCP (or TLS) connection. */
  static connect(options: RawPeerOptions): Promise<RawPeer> {
    const host = options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? connectTls({ ...options.tls, host, port: options.port })
        : connectNet({ host, port: options.port, noDelay: true });
      socket.once('error', reject);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        resolve(new RawPeer(socket, options));
      });
    });
  }

  /** How many packets of `type` arrived. */
  count(type: MessageType): number {
    return this.counts.get(type) ?? 0;
  }

  /** Writes bytes as given; false once the socket is gone. */
  write(bytes: Buffer): boolean {
    if (this.isClosed || this.socket.destroyed || this.socket.writableEnded) return false;
    this.socket.write(bytes);
    return true;
  }

  /** Half-closes (FIN): the server has nothing more to read. */
  end(): void {
    this.localEnd = true;
    this.socket.end();
  }

  /** Drops the connection at once (the peer vanishing). */
  destroy(): void {
    this.localEnd = true;
    this.socket.destroy();
  }

  /** Stops reading: the server's writes back up (a client that stopped reading). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /**
   * Resolves `true` as soon as `condition` holds (checked on every packet and on close), or
   * `false` after `timeoutMs`. Event-driven: no polling, no timing assumptions beyond the bound.
   */
  waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        condition,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(condition());
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves `true` when the connection closed within `timeoutMs`. */
  waitClosed(timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => this.isClosed, timeoutMs);
  }

  private onData(chunk: Buffer): void {
    this.bytesReceived += chunk.length;
    if (this.decodeFailure) return;
    try {
      this.framer.push(chunk, (packet) => this.onMessage(decodeInbound(packet)));
    } catch (error) {
      this.decodeFailure = error instanceof Error ? error.message : String(error);
      this.socket.destroy();
    }
    this.settleWaiters();
  }

  private onMessage(message: InboundMessage): void {
    if (this.fatalSeen) this.packetsAfterFatal++;
    this.counts.set(message.type, this.count(message.type) + 1);
    if (this.options.keepPackets) this.packets.push(message);
    if (
      this.ackSessionId === undefined &&
      (message.type === MessageType.ServerHelloAck || message.type === MessageType.SessionOpenAck)
    ) {
      this.ackSessionId = message.header.sessionId;
    }
    if (message.type === MessageType.Error) {
      this.errors.push(message.metadata);
      if (message.metadata.isFatal) this.fatalSeen = true;
    } else if (message.type === MessageType.ResultDrop) {
      this.terminalAnswers++;
    } else if (message.type === MessageType.ResultPush && !isPartialResult(message.metadata)) {
      this.terminalAnswers++;
    }
  }

  private settleWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (!waiter.condition() && !this.isClosed) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(waiter.condition());
    }
  }
}
