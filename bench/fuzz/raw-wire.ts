/**
 * The byte pipe under a {@link RawPeer}: a TCP (or TLS) socket, or a QUIC connection in either
 * stream model. A wire never parses what it carries, except that the QUIC Python model needs to
 * know which writes are whole FRAME_SUBMIT packets (those travel on their own uni stream).
 */

/** How a raw peer reaches the server: the carriers and QUIC stream models (control-plane.md §2.2). */
export type RawCarrier = 'tcp' | 'quic-bidi' | 'quic-uni';

/** Every carrier and QUIC stream model. */
export const RAW_CARRIERS: readonly RawCarrier[] = ['tcp', 'quic-bidi', 'quic-uni'];

/** What a wire reports to its peer. */
export interface RawWireSink {
  /** Server bytes on one stream (TCP: always stream 0). */
  onData(streamId: number, chunk: Buffer): void;
  /** The server finished (or reset) one of its streams; TCP reports the close only. */
  onStreamEnd(streamId: number): void;
  /** The connection is gone. Called once. */
  onClose(): void;
}

/** One open connection of a raw peer. */
export interface RawWire {
  /** Writes bytes as given; false once the wire cannot take any more. */
  write(bytes: Buffer): boolean;
  /** Half-close: FIN on the control stream; the server has nothing more to read. */
  end(): void;
  /** Drops the connection at once (the peer vanishing). */
  destroy(): void;
  /** Stops reading: the server's writes back up. */
  pause(): void;
  resume(): void;
  /** Starts delivering to `sink`. */
  attach(sink: RawWireSink): void;
}
