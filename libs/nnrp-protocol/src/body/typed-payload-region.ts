import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import { ProfileId } from '../messages/control/session-vocabulary';
import { requireMask, requireRule } from '../metadata/field-checks';
import { U32_MAX } from './body-bounds';
import { splitBodyRegions } from './body-region-prelude';
import {
  decodeTypedPayloadDescriptor,
  TYPED_PAYLOAD_DESCRIPTOR_LEN,
  type TypedPayloadDescriptor,
} from './typed-payload-descriptor';
import { PAYLOAD_KIND_MASK, PayloadKind } from '../messages/data/payload-kind';

/** The metadata fields (FRAME_SUBMIT or RESULT_PUSH) that drive the typed-payload regions. */
export interface TypedPayloadShape {
  payloadKindBitmap: number;
  payloadFrameCount: number;
}

/** One typed payload frame: its descriptor and a zero-copy view of its bytes. */
export interface TypedPayloadFrameView {
  descriptor: TypedPayloadDescriptor;
  payload: Buffer;
}

/**
 * Rule 5's profile checks (§2.9): any non-tensor bit forbids the tensor profile; a token-only
 * bitmap requires the token profile. Shared with the builders so they refuse what we refuse.
 */
export function validateDescriptorProfile(payloadKindBitmap: number, profileId: number): void {
  if ((payloadKindBitmap & ~PayloadKind.Tensor) !== 0) {
    requireRule(
      profileId !== ProfileId.Tensor,
      'non-tensor typed payload frames must not use tensor profile',
    );
  }
  if (payloadKindBitmap === PayloadKind.TokenChunk) {
    requireRule(
      profileId === ProfileId.Token,
      'token-only typed payload frames require token profile',
    );
  }
}

/**
 * `TypedPayloadRegion::parse` + `frame_views` (§2.9 rules 1–6): the descriptor table must be
 * exactly `payload_frame_count × 24` bytes, and the frames must tile the frame region from 0
 * with no gap or overlap. Frame payloads are views into `frameRegion`.
 */
export function parseTypedPayloadRegion(
  payloadKindBitmap: number,
  payloadFrameCount: number,
  descriptorRegion: Buffer,
  frameRegion: Buffer,
): TypedPayloadFrameView[] {
  requireMask(payloadKindBitmap, PAYLOAD_KIND_MASK, 'payload_kind_bitmap');
  requireRule(
    descriptorRegion.length === payloadFrameCount * TYPED_PAYLOAD_DESCRIPTOR_LEN,
    'typed payload descriptor region length must match payload_frame_count',
  );
  if (payloadFrameCount === 0) {
    requireRule(
      frameRegion.length === 0,
      'zero typed payload frames require empty descriptor and frame regions',
    );
    return [];
  }
  const descriptors: TypedPayloadDescriptor[] = [];
  for (let at = 0; at < descriptorRegion.length; at += TYPED_PAYLOAD_DESCRIPTOR_LEN) {
    descriptors.push(
      decodeTypedPayloadDescriptor(
        descriptorRegion.subarray(at, at + TYPED_PAYLOAD_DESCRIPTOR_LEN),
      ),
    );
  }
  const frames: TypedPayloadFrameView[] = [];
  let nextOffset = 0;
  for (const descriptor of descriptors) {
    validateDescriptorProfile(payloadKindBitmap, descriptor.profileId);
    requireRule(
      descriptor.offset === nextOffset,
      'typed payload descriptors must be packed in strictly contiguous order',
    );
    const end = descriptor.offset + descriptor.length;
    if (end > U32_MAX) {
      throw new NnrpProtocolError(NnrpErrorKind.LengthOverflow, 'typed_payload_descriptor.length');
    }
    requireRule(
      end <= frameRegion.length,
      'typed payload descriptor range must fit the frame region',
    );
    frames.push({ descriptor, payload: frameRegion.subarray(descriptor.offset, end) });
    nextOffset = end;
  }
  requireRule(
    nextOffset === frameRegion.length,
    'typed payload frame region must be exactly covered by descriptors',
  );
  return frames;
}

/** Splits a composed body (§2.7) and parses its typed-payload regions (§2.9). */
export function decodeTypedPayloadBody(
  shape: TypedPayloadShape,
  body: Buffer,
): TypedPayloadFrameView[] {
  const regions = splitBodyRegions(body);
  return parseTypedPayloadRegion(
    shape.payloadKindBitmap,
    shape.payloadFrameCount,
    regions.typedPayloadDescriptors,
    regions.typedPayloadFrames,
  );
}
