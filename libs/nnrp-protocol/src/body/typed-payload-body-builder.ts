import { composeBody, type TypedPayloadFrameInput } from './body-composer';

/** A built typed-payload body and the metadata fields the caller copies into its packet. */
export interface TypedPayloadBodyBuild {
  body: Buffer;
  /** → `payload_frame_count`. */
  payloadFrameCount: number;
  /** → `payload_kind_bitmap`. */
  payloadKindBitmap: number;
}

/** Input of {@link buildTypedPayloadBody}. */
export interface TypedPayloadBodyInput {
  /** The families the frames belong to (§10.1); checked against every frame's profile (§2.9). */
  payloadKindBitmap: number;
  frames: readonly TypedPayloadFrameInput[];
}

/**
 * Builds a typed-payload body in one allocation (§2.7/§2.9): prelude ‖ descriptors ‖ frames
 * packed contiguously from offset 0, refusing what the region parser refuses.
 */
export function buildTypedPayloadBody(input: TypedPayloadBodyInput): TypedPayloadBodyBuild {
  const body = composeBody({
    typedPayloads: input.frames,
    payloadKindBitmap: input.payloadKindBitmap,
  });
  return {
    body,
    payloadFrameCount: input.frames.length,
    payloadKindBitmap: input.payloadKindBitmap,
  };
}
