import { PacketHeader } from '../header/packet-header';

/** Pieces of a chunk at least this long are kept as views; shorter ones are copied. */
export const MIN_VIEW_BYTES = 4 * 1024;
/** Capacity of the buffers that short pieces are copied into. */
export const SPILL_BYTES = 16 * 1024;

/**
 * A packet being assembled from the chunks it arrived in. It holds what arrived and nothing
 * more, whatever the header announced (docs/reliability.md, O2): long pieces as views of their
 * chunks, short ones copied into small spill buffers (so a client trickling tiny chunks cannot
 * make the server keep one object per chunk). {@link finish} joins them with a single copy.
 */
export class PacketAssembly {
  /** Bytes appended so far. */
  filled = 0;
  private readonly pieces: Buffer[] = [];
  private spill: Buffer | undefined;
  private spillFill = 0;
  /** Whether every piece is a buffer of ours (nothing borrowed from a chunk). */
  private ownsAll = true;

  constructor(
    readonly header: PacketHeader,
    /** Size of the whole packet: header, metadata and body. */
    readonly total: number,
  ) {}

  get complete(): boolean {
    return this.filled === this.total;
  }

  /** Bytes held: the pieces and the spill buffer's capacity. */
  get reservedBytes(): number {
    let bytes = this.spill?.length ?? 0;
    for (const piece of this.pieces) bytes += piece.length;
    return bytes;
  }

  /**
   * Appends `src[start, end)`. `borrowable` says whether `src` may be kept (a chunk handed to the
   * framer) or must be copied (the framer's own reused header buffer).
   */
  append(src: Buffer, start: number, end: number, borrowable: boolean): void {
    if (borrowable && end - start >= MIN_VIEW_BYTES) {
      this.flushSpill();
      this.pieces.push(src.subarray(start, end));
      this.ownsAll = false;
      this.filled += end - start;
      return;
    }
    let pos = start;
    while (pos < end) {
      if (this.spill === undefined) {
        // Never larger than what the packet still needs: a short packet gets its exact size.
        this.spill = Buffer.allocUnsafe(Math.min(SPILL_BYTES, this.total - this.filled));
        this.spillFill = 0;
      }
      const take = Math.min(end - pos, this.spill.length - this.spillFill);
      src.copy(this.spill, this.spillFill, pos, pos + take);
      this.spillFill += take;
      this.filled += take;
      pos += take;
      if (this.spillFill === this.spill.length) this.flushSpill();
    }
  }

  /** The whole packet's bytes (call once {@link complete}). */
  finish(): Buffer {
    this.flushSpill();
    if (this.ownsAll && this.pieces.length === 1) return this.pieces[0];
    return Buffer.concat(this.pieces, this.total);
  }

  private flushSpill(): void {
    if (this.spill === undefined) return;
    this.pieces.push(this.spill.subarray(0, this.spillFill));
    this.spill = undefined;
    this.spillFill = 0;
  }
}
