/**
 * Why a decoder or encoder refused bytes or values. Each kind corresponds to one error of the
 * Rust reference decoder (named in the comment), so a conformance test can check that a
 * rejection happened for the right reason.
 */
export enum NnrpErrorKind {
  /** `SourceTooShort`: fewer bytes than the fixed layout needs. */
  TooShort = 'TooShort',
  /** `InvalidMagic`: the first four bytes are not `NNRP`. */
  InvalidMagic = 'InvalidMagic',
  /** `UnsupportedVersionMajor`: `version_major` is not 1. */
  UnsupportedVersion = 'UnsupportedVersion',
  /** `UnsupportedWireFormat`: `wire_format` is not 0. */
  UnsupportedWireFormat = 'UnsupportedWireFormat',
  /** `InvalidHeaderLength`: `header_len` is not 40. */
  InvalidHeaderLength = 'InvalidHeaderLength',
  /** `UnknownMessageType`: `msg_type` is not in the preview3 table. */
  UnknownMessageType = 'UnknownMessageType',
  /** `ReservedBitsSet`: a bit outside a field's mask is set. */
  ReservedBitsSet = 'ReservedBitsSet',
  /** `NonZeroReservedField`: a reserved field that is checked is not zero. */
  NonZeroReservedField = 'NonZeroReservedField',
  /** `UnknownEnumValue`: an enum field holds a value outside its table. */
  UnknownEnumValue = 'UnknownEnumValue',
  /** `InvalidProtocolCombination`: fields that are valid alone break a cross-field rule. */
  InvalidProtocolCombination = 'InvalidProtocolCombination',
  /** `PacketLengthMismatch`: declared lengths disagree with the bytes present. */
  LengthMismatch = 'LengthMismatch',
  /** `MessageLengthOverflow`: a length sum does not fit in a u32. */
  LengthOverflow = 'LengthOverflow',
  /** A declared length is over a configured cap (ours; the reference has no caps). */
  TooLarge = 'TooLarge',
}

/** Maps a Rust reference error name (as in the conformance vectors) to our kind. */
export const REFERENCE_ERROR_KIND: Readonly<Record<string, NnrpErrorKind>> = {
  SourceTooShort: NnrpErrorKind.TooShort,
  InvalidMagic: NnrpErrorKind.InvalidMagic,
  UnsupportedVersionMajor: NnrpErrorKind.UnsupportedVersion,
  UnsupportedWireFormat: NnrpErrorKind.UnsupportedWireFormat,
  InvalidHeaderLength: NnrpErrorKind.InvalidHeaderLength,
  UnknownMessageType: NnrpErrorKind.UnknownMessageType,
  ReservedBitsSet: NnrpErrorKind.ReservedBitsSet,
  NonZeroReservedField: NnrpErrorKind.NonZeroReservedField,
  UnknownEnumValue: NnrpErrorKind.UnknownEnumValue,
  InvalidProtocolCombination: NnrpErrorKind.InvalidProtocolCombination,
  PacketLengthMismatch: NnrpErrorKind.LengthMismatch,
  MessageLengthOverflow: NnrpErrorKind.LengthOverflow,
};
