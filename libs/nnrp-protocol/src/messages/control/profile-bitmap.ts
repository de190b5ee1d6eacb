import { ProfileId } from './session-vocabulary';

// `supported_profile_bitmap` ↔ profile ids. The spec leaves the mapping open
// (control-plane.md §9.4); this implementation uses bit (id − 1), which makes the Python
// client's 0x0001 the tensor profile. Profile 0 (unspecified) has no bit.

/** The bitmap announcing `profiles`. */
export function profileBitmap(profiles: readonly number[]): number {
  let bitmap = 0;
  for (const id of profiles) if (id > ProfileId.Unspecified) bitmap |= 1 << (id - 1);
  return bitmap >>> 0;
}

/** The lowest profile a bitmap announces, or unspecified for an empty one. */
export function lowestProfileOf(bitmap: number): number {
  if (bitmap === 0) return ProfileId.Unspecified;
  return Math.log2(bitmap & -bitmap) + 1;
}
