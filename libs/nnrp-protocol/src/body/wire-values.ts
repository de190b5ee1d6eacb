// Metadata enum values the body code branches on. They mirror the FRAME_SUBMIT / RESULT_PUSH
// vocabulary (data-plane.md §10.1, §10.3, §10.4), which the message codecs export under their
// own names; this module is internal to the body folder so the package index never exports the
// same name twice. Public body APIs take these fields as plain numbers.

/** `payload_kind_bitmap` tensor bit (§10.1). */
export const PAYLOAD_KIND_TENSOR = 0x01;
/** `payload_kind_bitmap` token_chunk bit (§10.1). */
export const PAYLOAD_KIND_TOKEN_CHUNK = 0x02;
/** Every defined `payload_kind_bitmap` bit (§10.1). */
export const PAYLOAD_KIND_MASK = 0x7f;

/** `submit_mode` values (§10.3). */
export const SubmitModeValue = { Inline: 0, Reference: 1, Mixed: 2 } as const;

/** `tile_index_mode` values (§10.4). */
export const TileIndexModeValue = { DenseRange: 0, RawU16: 1, DeltaU16: 2, Bitset: 3 } as const;
