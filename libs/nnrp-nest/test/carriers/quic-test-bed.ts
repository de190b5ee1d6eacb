import type {
  CarrierConnection,
  CarrierConnectionHandler,
  InboundStream,
  StreamKind,
} from '../../src/carriers/carrier-connection';
import {
  QuicCarrier,
  connectQuic,
  type QuicCarrierOptions,
  type QuicClientConnection,
  type QuicClientOptions,
  type QuicListener,
} from '../../src/carriers/quic';

/** Optional reactions run after a {@link RecordingHandler} recorded an event. */
export type HandlerReactions = Partial<CarrierConnectionHandler>;

/**
 * A carrier handler that records everything, in order, and lets tests wait for a condition
 * without timers: every event re-checks the pending conditions.
 */
export class RecordingHandler implements CarrierConnectionHandler {
  readonly received = new Map<number, Buffer[]>();
  readonly kinds = new Map<number, StreamKind>();
  readonly ended = new Set<number>();
  readonly resets = new Map<number, number>();
  /** `data:<id>`, `end:<id>`, `reset:<id>`, `writable`, `closed`, in arrival order (data once). */
  readonly events: string[] = [];
  writableCalls = 0;
  closeError: Error | undefined;
  isClosed = false;
  private readonly waiters = new Set<{ check: () => boolean; resolve: () => void }>();

  constructor(private readonly reactions: HandlerReactions = {}) {}

  onStreamData(stream: InboundStream, chunk: Buffer): void {
    let chunks = this.received.get(stream.id);
    if (chunks === undefined) {
      chunks = [];
      this.received.set(stream.id, chunks);
      this.kinds.set(stream.id, stream.kind);
      this.events.push(`data:${stream.id}`);
    }
    chunks.push(chunk);
    this.reactions.onStreamData?.(stream, chunk);
    this.wake();
  }

  onStreamEnd(stream: InboundStream): void {
    this.kinds.set(stream.id, stream.kind);
    this.ended.add(stream.id);
    this.events.push(`end:${stream.id}`);
    this.reactions.onStreamEnd?.(stream);
    this.wake();
  }

  onStreamReset(stream: InboundStream, code: number): void {
    this.resets.set(stream.id, code);
    this.events.push(`reset:${stream.id}`);
    this.reactions.onStreamReset?.(stream, code);
    this.wake();
  }

  onWritable(): void {
    this.writableCalls++;
    this.events.push('writable');
    this.reactions.onWritable?.();
    this.wake();
  }

  onClosed(error?: Error): void {
    this.isClosed = true;
    this.closeError = error;
    this.events.push('closed');
    this.reactions.onClosed?.(error);
    this.wake();
  }

  /** All bytes received on a stream so far. */
  bytes(streamId: number): Buffer {
    return Buffer.concat(this.received.get(streamId) ?? []);
  }

  /** Byte count received on a stream so far. */
  byteCount(streamId: number): number {
    let total = 0;
    for (const chunk of this.received.get(streamId) ?? []) total += chunk.length;
    return total;
  }

  /** Resolves once `check()` holds (checked now and after every event). */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.add({ check, resolve }));
  }

  /** Resolves once the connection reported `onClosed`, with its error. */
  async closed(): Promise<Error | undefined> {
    await this.until(() => this.isClosed);
    return this.closeError;
  }

  private wake(): void {
    for (const waiter of this.waiters) {
      if (waiter.check()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

/** Deterministic test payload: byte i is a function of i and the seed. */
export function pattern(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return out;
}

/**
 * Writes `data` in `chunkSize` pieces, waiting for `onWritable` whenever `write` returns false.
 * Resolves with how often the carrier asked to wait.
 */
export async function writeWithBackpressure(
  connection: CarrierConnection,
  handler: RecordingHandler,
  data: Buffer,
  chunkSize: number,
  streamId?: number,
): Promise<number> {
  let waits = 0;
  for (let offset = 0; offset < data.length; offset += chunkSize) {
    const accepted = connection.write([data.subarray(offset, offset + chunkSize)], streamId);
    if (!accepted && offset + chunkSize < data.length) {
      waits++;
      const seen = handler.writableCalls;
      await handler.until(() => handler.writableCalls > seen || handler.isClosed);
      if (handler.isClosed) throw new Error('connection closed while writing');
    }
  }
  return waits;
}

/**
 * Server-side echo: every byte on a bidi stream goes back on the same stream; when the queue is
 * over its high-water mark, reading pauses until `onWritable` (flow control then pushes back on
 * the client).
 */
export function echoHandler(connection: CarrierConnection): RecordingHandler {
  return new RecordingHandler({
    onStreamData(stream, chunk) {
      if (stream.kind !== 'bidi') return;
      if (!connection.write([chunk], stream.id)) connection.pauseReading();
    },
    onWritable() {
      connection.resumeReading();
    },
  });
}

/** Owns the servers and clients of a test and closes every socket afterwards. */
export class QuicTestBed {
  readonly serverConnections: CarrierConnection[] = [];
  private readonly listeners: QuicListener[] = [];
  private readonly clients: QuicClientConnection[] = [];

  /** Starts a dev-certificate server on 127.0.0.1:0. */
  async server(
    onConnection: (connection: CarrierConnection) => void,
    options: Omit<QuicCarrierOptions, 'dev' | 'host' | 'port'> = {},
  ): Promise<QuicListener> {
    const carrier = new QuicCarrier({ ...options, dev: true, host: '127.0.0.1', port: 0 });
    const listener = await carrier.listen((connection) => {
      this.serverConnections.push(connection);
      onConnection(connection);
    });
    this.listeners.push(listener);
    return listener;
  }

  /** Connects a client that trusts the listener's dev certificate. */
  async client(
    listener: QuicListener,
    options: QuicClientOptions = {},
    port: number = listener.address.port,
  ): Promise<QuicClientConnection> {
    const client = await connectQuic('127.0.0.1', port, {
      ca: listener.certificateChainPem,
      serverName: 'localhost',
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  /** Destroys every connection and waits for every listener socket to close. */
  async dispose(): Promise<void> {
    for (const client of this.clients) client.destroy();
    for (const connection of this.serverConnections) connection.destroy();
    await Promise.all([
      ...this.clients.map((client) => client.whenFinished()),
      ...this.listeners.map((listener) => listener.close()),
    ]);
  }
}
