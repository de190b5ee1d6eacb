import { requireMask, requireRule } from '../metadata/field-checks';
import { allocateBody, requireU32Length, U16_MAX } from './body-bounds';
import { BODY_REGION_PRELUDE_LEN, writeBodyRegionPrelude } from './body-region-prelude';
import {
  INLINE_OBJECT_HEADER_LEN,
  inlineObjectBlockLength,
  writeInlineObjectHeader,
} from './inline-object-block';
import {
  OBJECT_REFERENCE_BLOCK_LEN,
  type ObjectReferenceBlock,
  writeObjectReferenceBlock,
} from './object-reference-block';
import {
  TYPED_PAYLOAD_DESCRIPTOR_LEN,
  writeTypedPayloadDescriptor,
} from './typed-payload-descriptor';
import { validateDescriptorProfile } from './typed-payload-region';
import { PAYLOAD_KIND_MASK } from '../messages/data/payload-kind';

/**
 * Content a builder writes straight into the body it allocated: its length is known before
 * allocation, and `write` fills exactly `byteLength` bytes at `at`. Lets a tensor section
 * table or UTF-8 text land in the body without an intermediate buffer.
 */
export interface BodyContent {
  readonly byteLength: number;
  write(target: Buffer, at: number): void;
}

/** Bytes to copy, or a {@link BodyContent} writer. */
export type BodyContentLike = Uint8Array | BodyContent;

/** One inline object block to compose (§2.10). */
export interface InlineObjectInput {
  /** CacheObjectKind 1..9 (§8.1). */
  objectKind: number;
  /** Defaults to 0 (unspecified). */
  profileId?: number;
  payload: BodyContentLike;
}

/** One typed payload frame to compose; `offset`/`length` are computed (§2.9). */
export interface TypedPayloadFrameInput {
  profileId: number;
  /** TypedPayloadDescriptorFlag bits; defaults to 0. */
  descriptorFlags?: number;
  schemaId: number;
  schemaVersion: number;
  /** Defaults to 0 (default semantics). */
  streamSemantics?: number;
  payload: BodyContentLike;
}

/** What a composed body (§2.7) holds. Extension regions stay empty: preview3 assigns none. */
export interface ComposedBodyInput {
  inlineObjects?: readonly InlineObjectInput[];
  objectReferences?: readonly ObjectReferenceBlock[];
  typedPayloads?: readonly TypedPayloadFrameInput[];
  /** When given, checked against the mask and every frame's profile (§2.9 rules 1 and 5). */
  payloadKindBitmap?: number;
}

/** Normalises bytes into a {@link BodyContent} that copies them. */
export function bodyContent(payload: BodyContentLike): BodyContent {
  if (payload instanceof Uint8Array) {
    return { byteLength: payload.length, write: (target, at) => target.set(payload, at) };
  }
  return payload;
}

function sumLengths(lengths: readonly number[], field: string): number {
  const sum = lengths.reduce((total, length) => total + length, 0);
  requireU32Length(sum, field);
  return sum;
}

/**
 * Composes a prelude-framed body (§2.7) in one allocation: prelude ‖ inline objects (8-byte
 * padded, §2.10) ‖ object references ‖ typed-payload descriptors ‖ frames packed from offset 0.
 */
export function composeBody(input: ComposedBodyInput): Buffer {
  const inlineObjects = (input.inlineObjects ?? []).map((o) => ({
    ...o,
    content: bodyContent(o.payload),
  }));
  const references = input.objectReferences ?? [];
  const frames = (input.typedPayloads ?? []).map((f) => ({
    ...f,
    content: bodyContent(f.payload),
  }));
  requireRule(frames.length <= U16_MAX, 'payload_frame_count must fit in a u16');
  if (input.payloadKindBitmap !== undefined) {
    requireMask(input.payloadKindBitmap, PAYLOAD_KIND_MASK, 'payload_kind_bitmap');
    for (const frame of frames) {
      validateDescriptorProfile(input.payloadKindBitmap, frame.profileId);
    }
  }
  const prelude = {
    inlineObjectBytes: sumLengths(
      inlineObjects.map((o) => inlineObjectBlockLength(o.content.byteLength)),
      'body_region_prelude.inline_object_bytes',
    ),
    objectReferenceBytes: references.length * OBJECT_REFERENCE_BLOCK_LEN,
    typedPayloadDescriptorBytes: frames.length * TYPED_PAYLOAD_DESCRIPTOR_LEN,
    typedPayloadFrameBytes: sumLengths(
      frames.map((f) => f.content.byteLength),
      'body_region_prelude.typed_payload_frame_bytes',
    ),
    extensionDescriptorBytes: 0,
    extensionPayloadBytes: 0,
  };
  const regionBytes = sumLengths(
    [
      prelude.inlineObjectBytes,
      prelude.objectReferenceBytes,
      prelude.typedPayloadDescriptorBytes,
      prelude.typedPayloadFrameBytes,
    ],
    'body_region_prelude',
  );
  const body = allocateBody(BODY_REGION_PRELUDE_LEN + regionBytes);
  writeBodyRegionPrelude(prelude, body, 0);
  let at = BODY_REGION_PRELUDE_LEN;
  for (const { objectKind, profileId = 0, content } of inlineObjects) {
    writeInlineObjectHeader({ objectKind, profileId, objectBytes: content.byteLength }, body, at);
    content.write(body, at + INLINE_OBJECT_HEADER_LEN);
    const end = at + inlineObjectBlockLength(content.byteLength);
    body.fill(0, at + INLINE_OBJECT_HEADER_LEN + content.byteLength, end);
    at = end;
  }
  for (const reference of references) {
    writeObjectReferenceBlock(reference, body, at);
    at += OBJECT_REFERENCE_BLOCK_LEN;
  }
  const frameRegionAt = at + prelude.typedPayloadDescriptorBytes;
  let frameAt = frameRegionAt;
  for (const { content, descriptorFlags = 0, streamSemantics = 0, ...binding } of frames) {
    writeTypedPayloadDescriptor(
      {
        profileId: binding.profileId,
        descriptorFlags,
        schemaId: binding.schemaId,
        schemaVersion: binding.schemaVersion,
        streamSemantics,
        offset: frameAt - frameRegionAt,
        length: content.byteLength,
      },
      body,
      at,
    );
    content.write(body, frameAt);
    at += TYPED_PAYLOAD_DESCRIPTOR_LEN;
    frameAt += content.byteLength;
  }
  return body;
}
