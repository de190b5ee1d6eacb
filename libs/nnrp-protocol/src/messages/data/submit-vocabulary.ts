// Enums of FRAME_SUBMIT metadata (data-plane.md §10.3–§10.7).

/** `submit_mode` (u8): where the standard objects of a submit travel. */
export enum SubmitMode {
  Inline = 0,
  Reference = 1,
  Mixed = 2,
}

/** `tile_index_mode` (u8): tile-index block encoding (data-plane.md §2.10). */
export enum TileIndexMode {
  DenseRange = 0,
  RawU16 = 1,
  DeltaU16 = 2,
  Bitset = 3,
}

/** `input_profile` (u8): what a tensor submit's tiles contain; 0 for non-tensor submits. */
export enum InputProfile {
  Unspecified = 0,
  ChangedTilesLuma = 1,
  DenseLumaFrame = 2,
}

/** `frame_class` (u8) [doc]. Not validated: any u8 decodes. */
export enum FrameClass {
  Keyframe = 0,
  Delta = 1,
  Retransmit = 2,
  Discardable = 3,
}

/** `loss_tolerance_policy` (u8) [doc]. Not validated: any u8 decodes. */
export enum LossTolerancePolicy {
  Strict = 0,
  BestEffort = 1,
  LowLatency = 2,
  FireAndForget = 3,
  /** Use the session's policy (the Python SDK's default). */
  Inherit = 0xff,
}
