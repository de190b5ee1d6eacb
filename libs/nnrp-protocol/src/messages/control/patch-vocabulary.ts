// Patch vocabulary of SESSION_PATCH and SESSION_PATCH_ACK (control-plane.md §5.6).

/** `patch_mask` bits (u32): which fields a patch carries. */
export enum PatchField {
  TargetCadence = 0x01,
  QualityTier = 0x02,
  DegradePolicy = 0x04,
  ActiveLaneMask = 0x08,
  PreferredCodec = 0x10,
  PreferredCompression = 0x20,
  ProfilePatch = 0x40,
}
/** Every defined `patch_mask` bit (`SESSION_PATCH_FIELD_KNOWN_MASK`). */
export const PATCH_MASK = 0x0000007f;

/** `ack_status` (u16) of SESSION_PATCH_ACK. */
export enum PatchAckStatus {
  Accepted = 0,
  PartiallyApplied = 1,
  Rejected = 2,
}

/** `reject_reason` (u16) of SESSION_PATCH_ACK; the code's table, not preview1's (§5.6). */
export enum PatchRejectReason {
  None = 0,
  UnsupportedField = 1,
  InvalidRange = 2,
  UnsupportedStrategy = 3,
  InvalidLaneMask = 4,
  RateLimited = 5,
}
