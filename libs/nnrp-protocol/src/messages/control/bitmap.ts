import { requireRule } from '../../metadata/field-checks';

// Capability bitmaps of the hello exchange (control-plane.md §4.1, §4.2).

/** Widest capability bitmap on the wire (u32). */
const MAX_BITMAP_BITS = 32;

/** True when bit `bit` of `bitmap` is set (`has_bitmap_bit`; bits past 31 are never set). */
export function hasBitmapBit(bitmap: number, bit: number): boolean {
  return bit < MAX_BITMAP_BITS && ((bitmap >>> bit) & 1) === 1;
}

/** Refuses `accepted` when it has a bit that `supported` lacks (`require_subset`). */
export function requireSubset(accepted: number, supported: number, rule: string): void {
  // `>>> 0` keeps the test unsigned for u32 bitmaps.
  requireRule((accepted & ~supported) >>> 0 === 0, rule);
}
