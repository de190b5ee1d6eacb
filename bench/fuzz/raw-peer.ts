import { ConnectionOptions } from 'node:tls';
import { ErrorMetadata, MessageType, StreamFramer } from '@nest-nnrp/protocol';
import { decodeInbound, InboundMessage, isPartialResult } from '@nest-nnrp/nest';
import { QuicRawWire } from './quic-raw-wire';
import { RawCarrier, RawWire } from './raw-wire';
import { TcpRawWire } from './tcp-raw-wire';

/** Where a {@link RawPeer} connects. */
export interface RawPeerOptions {
  port: number;
  host?: string;
  /** Carrier and QUIC stream model (default `tcp`). */
  carrier?: RawCarrier;
  /** QUIC: the server certificate (PEM) to trust; without it the certificate is not checked. */
  ca?: string;
  /** TCP: connect with TLS (the TCP listener's optional TLS). */
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
 * A client connection (TCP, or QUIC in either stream model) that writes whatever bytes it is
 * given (malformed, split, flooded) and checks what the server sends back with the client's own
 * decoder: every packet must decode (on every stream the server sends on, and no stream may end
 * mid-packet), nothing may follow a fatal ERROR. The fuzzer's and the fault tests' hostile peer.
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
  /** True once the connection is gone. */
  isClosed = false;
  /** True when the server closed before this peer ended or destroyed its side. */
  closedByServer = false;
  readonly closed: Promise<void>;
  /** One framer per server stream (TCP: one; QUIC: the control stream and each uni stream). */
  private readonly framers = new Map<number, StreamFramer>();
  private readonly waiters = new Set<Waiter>();
  private fatalSeen = false;
  private localEnd = false;

  private constructor(
    private readonly wire: RawWire,
    private readonly options: RawPeerOptions,
  ) {
    this.closed = new Promise((resolve) =>
      wire.attach({
        onData: (streamId, chunk) => this.onData(streamId, chunk),
        onStreamEnd: (streamId) => this.onStreamEnd(streamId),
        onClose: () => {
          this.isClosed = true;
          // A partial packet (say, a large result cut off) must not outlive the connection.
          this.framers.clear();
          this.closedByServer = !this.localEnd;
          this.settleWaiters();
          resolve();
        },
      }),
    );
  }

  /** Connects, or rejects when the server refuses the connection (TCP, TLS or QUIC). */
  static async connect(options: RawPeerOptions): Promise<RawPeer> {
    const host = options.host ?? '127.0.0.1';
    const carrier = options.carrier ?? 'tcp';
    const wire =
      carrier === 'tcp'
        ? await TcpRawWire.connect(host, options.port, options.tls)
        : await QuicRawWire.connect({
            host,
            port: options.port,
            ca: options.ca,
            uniSubmits: carrier === 'quic-uni',
          });
    return new RawPeer(wire, options);
  }

  /** How many packets of `type` arrived. */
  count(type: MessageType): number {
    return this.counts.get(type) ?? 0;
  }

  /** Writes bytes as given; false once the connection is gone or this side ended it. */
  write(bytes: Buffer): boolean {
    if (this.isClosed || this.localEnd) return false;
    return this.wire.write(bytes);
  }

  /** Half-closes (FIN): the server has nothing more to read. */
  end(): void {
    this.localEnd = true;
    this.wire.end();
  }

  /** Drops the connection at once (the peer vanishing). */
  destroy(): void {
    this.localEnd = true;
    this.wire.destroy();
  }

  /** Stops reading: the server's writes back up (a client that stopped reading). */
  pause(): void {
    this.wire.pause();
  }

  resume(): void {
    this.wire.resume();
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

  private onData(streamId: number, chunk: Buffer): void {
    this.bytesReceived += chunk.length;
    if (this.decodeFailure) return;
    let framer = this.framers.get(streamId);
    if (framer === undefined) {
      framer = new StreamFramer({ maxBodyLen: this.options.maxBodyLen });
      this.framers.set(streamId, framer);
    }
    try {
      framer.push(chunk, (packet) => this.onMessage(decodeInbound(packet)));
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    }
    this.settleWaiters();
  }

  /** A server stream ended: it must not end inside a packet (control-plane.md §2.2). */
  private onStreamEnd(streamId: number): void {
    const framer = this.framers.get(streamId);
    this.framers.delete(streamId);
    if (framer?.midPacket && !this.decodeFailure) {
      this.fail(`server stream ${streamId} ended inside a packet`);
    }
    this.settleWaiters();
  }

  private fail(reason: string): void {
    this.decodeFailure = reason;
    this.wire.destroy();
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
