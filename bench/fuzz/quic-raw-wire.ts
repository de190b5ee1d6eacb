import { HEADER_LEN, HeaderOffset, MessageType } from '@nest-nnrp/protocol';
import {
  CarrierConnectionHandler,
  connectQuic,
  InboundStream,
  QuicClientConnection,
} from '@nest-nnrp/nest';
import { RawWire, RawWireSink } from './raw-wire';

/** How a {@link QuicRawWire} connects. */
export interface QuicRawWireOptions {
  readonly host: string;
  readonly port: number;
  /** The server certificate (PEM) to trust; without it the certificate is not verified. */
  readonly ca?: string;
  /** Python model: whole FRAME_SUBMIT packets each on a new uni stream; else all on stream 0. */
  readonly uniSubmits: boolean;
}

/**
 * A raw peer's QUIC connection. Everything goes on the first bidirectional stream (the Rust
 * model), except that in the Python model a write holding exactly one whole FRAME_SUBMIT goes
 * on its own uni stream with FIN (control-plane.md §2.2), as a Python client would send it.
 * Bytes that are not one whole submit (fragments, garbage, several packets) stay on stream 0.
 */
export class QuicRawWire implements RawWire {
  private constructor(
    private readonly connection: QuicClientConnection,
    private readonly uniSubmits: boolean,
  ) {}

  /** Connects (QUIC handshake with ALPN `nnrp/1`), or rejects when the server refuses. */
  static async connect(options: QuicRawWireOptions): Promise<QuicRawWire> {
    const connection = await connectQuic(options.host, options.port, {
      ca: options.ca,
      insecure: options.ca === undefined,
    });
    return new QuicRawWire(connection, options.uniSubmits);
  }

  attach(sink: RawWireSink): void {
    const handler: CarrierConnectionHandler = {
      onStreamData: (stream: InboundStream, chunk: Buffer) => sink.onData(stream.id, chunk),
      onStreamEnd: (stream: InboundStream) => sink.onStreamEnd(stream.id),
      // A reset stream ends what it carried; a packet cut short shows up as mid-packet.
      onStreamReset: (stream: InboundStream) => sink.onStreamEnd(stream.id),
      onWritable: () => undefined,
      onClosed: () => sink.onClose(),
    };
    this.connection.attach(handler);
  }

  write(bytes: Buffer): boolean {
    if (this.connection.closed) return false;
    // Over the high-water mark the bytes are still queued; backpressure is the server's to show.
    if (this.uniSubmits && isWholeSubmit(bytes)) this.connection.writeOnNewUniStream([bytes]);
    else this.connection.write([bytes]);
    return true;
  }

  end(): void {
    this.connection.finishStream();
  }

  destroy(): void {
    this.connection.destroy();
  }

  pause(): void {
    this.connection.pauseReading();
  }

  resume(): void {
    this.connection.resumeReading();
  }
}

/** Whether `bytes` is exactly one packet whose header says FRAME_SUBMIT (lengths as written). */
function isWholeSubmit(bytes: Buffer): boolean {
  if (bytes.length < HEADER_LEN) return false;
  if (bytes[HeaderOffset.messageType] !== MessageType.FrameSubmit) return false;
  const total =
    HEADER_LEN +
    bytes.readUInt32LE(HeaderOffset.metaLen) +
    bytes.readUInt32LE(HeaderOffset.bodyLen);
  return total === bytes.length;
}
