// Enums of RESULT_PUSH metadata (data-plane.md §10.8).

/** `result_class` (u8). */
export enum ResultClass {
  Complete = 0,
  Partial = 1,
  StaleReuse = 2,
  Degraded = 3,
}

/** `result_flags` bits (u16). */
export enum ResultFlag {
  Stale = 0x0001,
  Fallback = 0x0002,
  Partial = 0x0004,
}

/** Every defined result flag; any other bit is rejected (`ReservedBitsSet`). */
export const RESULT_FLAGS_MASK = 0x0007;
