// Little-endian readers for the hot decoders (header, FRAME_SUBMIT, RESULT_PUSH). Indexing the
// buffer directly is several times faster than Buffer#readUInt*LE, whose argument validation
// dominates a 72-byte decode. Callers check the length first (requireLength / HEADER_LEN), so
// every index read here is in bounds.

const TWO_POW_24 = 0x1000000;

/** u16 at `offset`. */
export function readU16(src: Uint8Array, offset: number): number {
  return src[offset] | (src[offset + 1] << 8);
}

/** u32 at `offset` (the top byte multiplied in, so the result stays unsigned). */
export function readU32(src: Uint8Array, offset: number): number {
  return (
    (src[offset] | (src[offset + 1] << 8) | (src[offset + 2] << 16)) + src[offset + 3] * TWO_POW_24
  );
}
