import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import { decodeHeader, HEADER_LEN, PacketHeader } from '../header/packet-header';
import { Packet } from '../packet/packet';
import { DEFAULT_FRAMER_LIMITS, FramerLimits } from './framer-limits';
import { PacketAssembly } from './packet-assembly';

/** Receives each whole packet the framer finds, in stream order. */
export type PacketListener = (packet: Packet) => void;

/**
 * Cuts a byte stream (a TCP socket, a QUIC stream) into packets (control-plane.md §2): read
 * 40 bytes, validate the header, read `meta_len` then `body_len` bytes.
 *
 * - A packet that lies inside one chunk is emitted as views of that chunk, without copying.
 * - A packet split across chunks is collected as it arrives ({@link PacketAssembly}: only after
 *   its header passed validation and the length caps, and only what was actually sent, so a
 *   header announcing a large body reserves nothing) and joined with one copy when complete.
 *
 * Chunks must not be modified once pushed: packets are views of them, and so are the pieces
 * of a packet still being assembled.
 * - A bad header is connection-fatal: {@link push} throws {@link NnrpProtocolError} and the
 *   framer refuses any further input (the stream is unsynchronised).
 */
export class StreamFramer {
  private readonly limits: FramerLimits;
  /** Partial header bytes while fewer than 40 have arrived. */
  private readonly headBytes = Buffer.allocUnsafe(HEADER_LEN);
  private headFill = 0;
  /** The packet being assembled across chunks. */
  private assembly: PacketAssembly | undefined;
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
    return this.headFill + (this.assembly?.filled ?? 0);
  }

  /** Bytes of buffer held for the packet being assembled (what arrived, not what was announced). */
  get reservedBytes(): number {
    return this.assembly?.reservedBytes ?? 0;
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
        // The header buffer is reused: its bytes are copied, not borrowed.
        this.startAssembly(header, this.headBytes, 0, HEADER_LEN, false);
        if (this.assembly!.complete) this.finishAssembly(onPacket);
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
      this.startAssembly(header, chunk, pos, end, true);
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

  private startAssembly(
    header: PacketHeader,
    src: Buffer,
    start: number,
    end: number,
    borrowable: boolean,
  ): void {
    this.assembly = new PacketAssembly(header, HEADER_LEN + header.metaLen + header.bodyLen);
    this.assembly.append(src, start, end, borrowable);
  }

  private fillAssembly(chunk: Buffer, pos: number, onPacket: PacketListener): number {
    const assembly = this.assembly!;
    const take = Math.min(assembly.total - assembly.filled, chunk.length - pos);
    assembly.append(chunk, pos, pos + take, true);
    if (assembly.complete) this.finishAssembly(onPacket);
    return pos + take;
  }

  private finishAssembly(onPacket: PacketListener): void {
    const assembly = this.assembly!;
    this.reset();
    const bytes = assembly.finish();
    const bodyStart = HEADER_LEN + assembly.header.metaLen;
    onPacket({
      header: assembly.header,
      metadata: bytes.subarray(HEADER_LEN, bodyStart),
      body: bytes.subarray(bodyStart),
    });
  }
}
