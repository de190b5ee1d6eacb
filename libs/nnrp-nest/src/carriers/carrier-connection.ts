/**
 * The contract between a carrier (bytes and connections: TCP, QUIC) and the connection layer
 * above it (packets and sessions). A carrier never parses NNRP; the connection layer never
 * touches a socket.
 */

/** Stream family, as the QUIC stream models need it (control-plane.md §2.2, decisions.md §17). */
export type StreamKind = 'bidi' | 'uni';

/** A client-opened inbound byte stream. TCP has exactly one: `{ id: 0, kind: 'bidi' }`. */
export interface InboundStream {
  /** Carrier stream id (QUIC stream id; 0 for TCP). */
  readonly id: number;
  readonly kind: StreamKind;
}

/**
 * Ordering between the unidirectional streams of one key (see
 * {@link CarrierConnection.writeOnNewUniStream}). QUIC delivers each stream in order but orders
 * nothing across streams: a small stream opened late can complete at the peer before a large
 * one opened earlier. A key groups streams whose order matters to the caller.
 */
export interface UniStreamOrdering {
  /** Groups the streams; unrelated keys never wait for each other. */
  readonly key: number | string;
  /**
   * Open this stream only once every earlier stream of the key is acknowledged by the peer (all
   * its bytes and its FIN), so the peer has all of them before this one. Costs about one round
   * trip when earlier streams are still in flight, nothing otherwise. Later writes of the key
   * wait behind it.
   */
  readonly afterAcknowledged: boolean;
  /** The last stream of the key: once it is opened, the carrier forgets the key. */
  readonly last: boolean;
  /**
   * Open this stream only once every uni stream written before it on the connection, of any key
   * or none, is acknowledged: a connection's last word (a fatal ERROR) then reaches the peer
   * after everything sent before it.
   */
  readonly afterAllStreams?: boolean;
}

/** What a carrier connection reports upwards. Every callback runs on the event loop, in order. */
export interface CarrierConnectionHandler {
  /** Bytes arrived on a stream (the chunk is owned by the receiver from now on). */
  onStreamData(stream: InboundStream, chunk: Buffer): void;
  /** The peer finished a stream (FIN). */
  onStreamEnd(stream: InboundStream): void;
  /** The peer reset a stream (QUIC RESET_STREAM). */
  onStreamReset(stream: InboundStream, code: number): void;
  /** Queued writes fell below the low-water mark after a write returned `false`. */
  onWritable(): void;
  /** The connection is gone (after `end`, `destroy`, a peer close or an error). Called once. */
  onClosed(error?: Error): void;
}

/** One accepted connection of a carrier. */
export interface CarrierConnection {
  readonly carrier: 'tcp' | 'quic';
  /** Unique per process, for logs and metrics. */
  readonly id: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Whether {@link writeOnNewUniStream} is available (QUIC). */
  readonly supportsUniStreams: boolean;
  /** Bytes accepted by `write*` and not yet handed to the kernel. */
  readonly bufferedBytes: number;
  /** True once `end`/`destroy` was called or the peer closed. */
  readonly closed: boolean;

  /** Installs the handler; inbound data flows only after this call. */
  attach(handler: CarrierConnectionHandler): void;
  /**
   * Writes bytes on the control stream: the TCP socket, or the QUIC stream `streamId` (a bidi
   * stream the client opened). Parts are written back to back in order. Returns `false` when the
   * queue is over its high-water mark; `onWritable` follows when it drains.
   */
  write(parts: readonly Buffer[], streamId?: number): boolean;
  /**
   * Opens a unidirectional stream, writes `parts`, then FIN (QUIC Python model). Without
   * `ordering` the stream is opened at once; with it, the stream may wait for earlier streams of
   * the same key (see {@link UniStreamOrdering}); waiting bytes count in {@link bufferedBytes}.
   * Returns `false` when the queue is over its high-water mark, like {@link write}.
   */
  writeOnNewUniStream(parts: readonly Buffer[], ordering?: UniStreamOrdering): boolean;
  /** Stops delivering inbound data until {@link resumeReading}. */
  pauseReading(): void;
  resumeReading(): void;
  /**
   * Graceful close: flush what is queued, finish the write side, and close for good after
   * `graceMs` so the peer can read the last packet (decisions.md §16).
   */
  end(graceMs?: number): void;
  /** Immediate close; queued bytes are discarded. */
  destroy(error?: Error): void;
}

/** A bound listener of one carrier. */
export interface CarrierListener {
  readonly carrier: 'tcp' | 'quic';
  /** The bound address (the real port when 0 was asked for). */
  readonly address: { host: string; port: number };
  /** Stops accepting; existing connections are left to their owners. */
  close(): Promise<void>;
}

/** Starts a listener and hands every new connection to `onConnection`. */
export interface Carrier {
  listen(onConnection: (connection: CarrierConnection) => void): Promise<CarrierListener>;
}
