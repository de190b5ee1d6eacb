import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import { decodeHeader, HEADER_LEN, PacketHeader } from '../header/packet-header';
import { Packet } from '../packet/packet';
import { DEFAULT_FRAMER_LIMITS, FramerLimits } from './framer-limits';

/** Receives each whole packet the framer finds, in stream order. */
export type PacketListener = (packet: Packet) => void;

/**
 * Cuts a byte stream (a TCP socket, a QUIC stream) into packets (control-plane.md §2): read
 * 40 bytes, validate the header, read `meta_len` then `body_len` bytes.
 *
 * - A packet that lies inside one chunk is emitted as views of that chunk, without copying.
 * - A packet split across chunks is assembled once, into a buffer of exactly its size,
 *   allocated only after its header passed validation and the length caps.
 * - A bad header is connection-fatal: {@link push} throws {@link NnrpProtocolError} and the
 *   framer refuses any further input (the stream is unsynchronised).
 */
export class StreamFramer {
  private readonly limits: FramerLimits;
  /** Partial header bytes while fewer than 40 have arrived. */
  private readonly headBytes = Buffer.allocUnsafe(HEADER_LEN);
  private headFill = 0;
  /** The packet being assembled across chunks, sized from its validated header. */
  private assembly: Buffer | undefined;
  private assemblyHeader: PacketHeader | undefined;
  private assemblyFill = 0;
  private failed: NnrpProtocolError | undefined;

  constructor(limits: Partial<FramerLimits> = {}) {
    this.limits = { ...DEFAULT_FRAMER_LIMITS, ...limits };
  }

  /** True while part of a packet is buffered (a stream ending now ends mid-packet). */
  get midPacket(): boolean {
    return this.headFill > 0 || this.assembly !== undefined;
  }

  /** Bytes held for the packet being assembled. */
  get bufferedBytes(): number {
    return this.headFill + this.assemblyFill;
  }

  /** Feeds a chunk; calls `onPacket` for every packet it completes. Throws on a bad header. */
  push(chunk: Buffer, onPacket: PacketListener): void {
    if (this.failed) throw this.failed;
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.assembly) {
        pos = this.fillAssembly(chunk, pos, onPacket);
        continue;
      }
      if (this.headFill > 0) {
        const take = Math.min(HEADER_LEN - this.headFill, end - pos);
        chunk.copy(this.headBytes, this.headFill, pos, pos + take);
        this.headFill += take;
        pos += take;
        if (this.headFill < HEADER_LEN) return;
        const header = this.readHeader(this.headBytes, 0);
        this.headFill = 0;
        this.startAssembly(header, this.headBytes, 0, HEADER_LEN);
        if (this.assemblyFill === this.assembly!.length) this.finishAssembly(onPacket);
        continue;
      }
      const remaining = end - pos;
      if (remaining < HEADER_LEN) {
        chunk.copy(this.headBytes, 0, pos, end);
        this.headFill = remaining;
        return;
      }
      const header = this.readHeader(chunk, pos);
      const total = HEADER_LEN + header.metaLen + header.bodyLen;
      if (remaining >= total) {
        // Fast path: the whole packet is in this chunk; hand out views.
        const metaStart = pos + HEADER_LEN;
        const bodyStart = metaStart + header.metaLen;
        pos += total;
        onPacket({
          header,
          metadata: chunk.subarray(metaStart, bodyStart),
          body: chunk.subarray(bodyStart, pos),
        });
        continue;
      }
      this.startAssembly(header, chunk, pos, remaining);
      return;
    }
  }

  /**
   * Declares the end of the stream. Throws when it ends in the middle of a packet (the Python
   * reference's "trailing bytes").
   */
  end(): void {
    if (this.failed) throw this.failed;
    if (this.midPacket) {
      const held = this.bufferedBytes;
      this.reset();
      throw new NnrpProtocolError(
        NnrpErrorKind.LengthMismatch,
        'stream',
        `stream ended in the middle of a packet (${held} bytes buffered)`,
      );
    }
  }

  /** Drops any partial packet (for example when the carrier is torn down). */
  reset(): void {
    this.headFill = 0;
    this.assembly = undefined;
    this.assemblyHeader = undefined;
    this.assemblyFill = 0;
  }

  private readHeader(src: Buffer, offset: number): PacketHeader {
    try {
      const header = decodeHeader(src, offset);
      if (header.metaLen > this.limits.maxMetaLen) {
        throw new NnrpProtocolError(
          NnrpErrorKind.TooLarge,
          'header.meta_len',
          `meta_len ${header.metaLen} is over the cap of ${this.limits.maxMetaLen}`,
        );
      }
      if (header.bodyLen > this.limits.maxBodyLen) {
        throw new NnrpProtocolError(
          NnrpErrorKind.TooLarge,
          'header.body_len',
          `body_len ${header.bodyLen} is over the cap of ${this.limits.maxBodyLen}`,
        );
      }
      return header;
    } catch (error) {
      this.reset();
      this.failed = error as NnrpProtocolError;
      throw error;
    }
  }

  private startAssembly(header: PacketHeader, src: Buffer, start: number, length: number): void {
    const total = HEADER_LEN + header.metaLen + header.bodyLen;
    this.assembly = Buffer.allocUnsafe(total);
    this.assemblyHeader = header;
    src.copy(this.assembly, 0, start, start + length);
    this.assemblyFill = length;
  }

  private fillAssembly(chunk: Buffer, pos: number, onPacket: PacketListener): number {
    const assembly = this.assembly!;
    const take = Math.min(assembly.length - this.assemblyFill, chunk.length - pos);
    chunk.copy(assembly, this.assemblyFill, pos, pos + take);
    this.assemblyFill += take;
    if (this.assemblyFill === assembly.length) this.finishAssembly(onPacket);
    return pos + take;
  }

  private finishAssembly(onPacket: PacketListener): void {
    const bytes = this.assembly!;
    const header = this.assemblyHeader!;
    this.reset();
    const bodyStart = HEADER_LEN + header.metaLen;
    onPacket({
      header,
      metadata: bytes.subarray(HEADER_LEN, bodyStart),
      body: bytes.subarray(bodyStart),
    });
  }
}
