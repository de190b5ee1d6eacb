/** Common-header flag bits (control-plane.md §1.3). */
export enum HeaderFlag {
  AckRequired = 0x01,
  CanDrop = 0x02,
  Stale = 0x04,
  Eos = 0x08,
  Retransmit = 0x10,
  Keyframe = 0x20,
}

/** Every defined header flag; any other bit is rejected. */
export const HEADER_FLAGS_MASK = 0x0000003f;

/** Spec names of the flag bits, as used by the conformance vectors. */
export const HEADER_FLAG_NAMES: Readonly<Record<string, HeaderFlag>> = {
  ack_required: HeaderFlag.AckRequired,
  can_drop: HeaderFlag.CanDrop,
  stale: HeaderFlag.Stale,
  eos: HeaderFlag.Eos,
  retransmit: HeaderFlag.Retransmit,
  keyframe: HeaderFlag.Keyframe,
};
