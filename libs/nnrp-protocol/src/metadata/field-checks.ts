import { readU32 } from './little-endian';
import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';

// Small, typed guards shared by every metadata codec. They throw NnrpProtocolError with the
// reference's error kind, so each codec states its rules in the spec's order and nothing more.

/** Refuses a source shorter than a fixed layout (`SourceTooShort`). */
export function requireLength(src: Buffer, expected: number, field: string): void {
  if (src.length < expected) {
    throw new NnrpProtocolError(
      NnrpErrorKind.TooShort,
      field,
      `${field}: expected at least ${expected} bytes, got ${src.length}`,
    );
  }
}

/** Refuses a checked reserved field that is not zero (`NonZeroReservedField`). */
export function requireZero(value: number | bigint, field: string): void {
  if (value !== 0 && value !== 0n) {
    throw new NnrpProtocolError(
      NnrpErrorKind.NonZeroReservedField,
      field,
      `reserved field is non-zero: ${field}`,
    );
  }
}

/** Refuses bits outside `mask` (`ReservedBitsSet`). */
export function requireMask(value: number, mask: number, field: string): void {
  // `>>> 0` keeps the comparison unsigned for u32 masks.
  if ((value & ~mask) >>> 0 !== 0) {
    throw new NnrpProtocolError(
      NnrpErrorKind.ReservedBitsSet,
      field,
      `reserved bits are set in ${field}: value 0x${value.toString(16)}, allowed mask 0x${mask.toString(16)}`,
    );
  }
}

/** Refuses an enum value outside `[min, max]` (`UnknownEnumValue`). */
export function requireEnum(value: number, min: number, max: number, enumName: string): void {
  if (value < min || value > max) {
    throw new NnrpProtocolError(
      NnrpErrorKind.UnknownEnumValue,
      enumName,
      `unknown ${enumName} value: 0x${value.toString(16)}`,
    );
  }
}

/** Refuses a broken cross-field rule (`InvalidProtocolCombination`). */
export function requireRule(ok: boolean, rule: string): void {
  if (!ok) {
    throw new NnrpProtocolError(
      NnrpErrorKind.InvalidProtocolCombination,
      rule,
      `invalid protocol combination: ${rule}`,
    );
  }
}

/**
 * Refuses a non-zero reserved u64 at `offset`, read as two u32 halves: no BigInt on the hot path.
 */
export function requireZeroU64(src: Buffer, offset: number, field: string): void {
  if ((readU32(src, offset) | readU32(src, offset + 4)) !== 0) {
    requireZero(1, field);
  }
}
