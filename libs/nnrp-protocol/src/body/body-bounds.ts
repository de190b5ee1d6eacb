import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';

// Bounds, alignment and allocation guards shared by every body view and builder. A view must
// never let a lying length reach `subarray`/`read*` (that would be a RangeError or a silent
// short slice); these helpers turn it into the reference's error kind instead.

/** Inline object blocks, the legacy tile index and tensor sections start on 8-byte boundaries (§2.10, decisions §4). */
export const BODY_ALIGNMENT = 8;

/** Largest u16: tile ids, counts and descriptor numbers are u16 on the wire. */
export const U16_MAX = 0xffff;

/** Largest u32: every region length, and `body_len` itself, is a u32. */
export const U32_MAX = 0xffff_ffff;

/** Rounds `length` up to the next multiple of {@link BODY_ALIGNMENT}. Arithmetic, not bitwise: u32 sums exceed 2^31. */
export function alignUp(length: number): number {
  const rest = length % BODY_ALIGNMENT;
  return rest === 0 ? length : length + (BODY_ALIGNMENT - rest);
}

/** A zero-copy view of `length` bytes at `at`, or `SourceTooShort` when the bytes are not there. */
export function viewAt(src: Buffer, at: number, length: number, field: string): Buffer {
  if (at > src.length || length > src.length - at) {
    throw new NnrpProtocolError(
      NnrpErrorKind.TooShort,
      field,
      `${field}: needs ${length} bytes at offset ${at}, the source has ${src.length}`,
    );
  }
  return src.subarray(at, at + length);
}

/** Refuses non-zero padding in `src[from, to)` (`NonZeroReservedField`); padding is always zero (§2.10). */
export function requireZeroBytes(src: Buffer, from: number, to: number, field: string): void {
  for (let i = from; i < to; i += 1) {
    if (src[i] !== 0) {
      throw new NnrpProtocolError(
        NnrpErrorKind.NonZeroReservedField,
        field,
        `${field}: padding byte at offset ${i} is non-zero`,
      );
    }
  }
}

/** Refuses a declared length that disagrees with the bytes present (`PacketLengthMismatch`). */
export function requireExactLength(actual: number, expected: number, field: string): void {
  if (actual !== expected) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      field,
      `${field}: expected ${expected} bytes, got ${actual}`,
    );
  }
}

/** Refuses a length sum that does not fit the u32 it is written into (`MessageLengthOverflow`). */
export function requireU32Length(value: number, field: string): void {
  if (value > U32_MAX) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthOverflow,
      field,
      `${field}: ${value} does not fit in a u32`,
    );
  }
}

/**
 * The one allocation of a body builder. Unsafe on purpose (no double write of large tensor
 * blobs); every writer is responsible for each byte of its range, padding included.
 */
export function allocateBody(length: number): Buffer {
  return Buffer.allocUnsafe(length);
}
