/** `payload_kind_bitmap` bits (u32) of FRAME_SUBMIT and RESULT_PUSH (data-plane.md §10.1). */
export enum PayloadKind {
  Tensor = 0x01,
  TokenChunk = 0x02,
  AudioChunk = 0x04,
  VideoChunk = 0x08,
  StructuredEvent = 0x10,
  ToolDelta = 0x20,
  OpaqueBytes = 0x40,
}

/** Every defined payload-kind bit; any other bit is rejected (`ReservedBitsSet`). */
export const PAYLOAD_KIND_MASK = 0x0000007f;
