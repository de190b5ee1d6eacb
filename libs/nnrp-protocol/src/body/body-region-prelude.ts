import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import { requireLength, requireRule, requireZero } from '../metadata/field-checks';
import { requireExactLength, U32_MAX } from './body-bounds';
import { OBJECT_REFERENCE_BLOCK_LEN } from './object-reference-block';

/** Length of the body region prelude (data-plane.md §2.7; Rust `BODY_REGION_PRELUDE_LEN`). */
export const BODY_REGION_PRELUDE_LEN = 32;

/** Length of one extension descriptor (§2.7 [convention]); no extension kinds exist in preview3. */
export const EXTENSION_DESCRIPTOR_LEN = 16;

/** Byte offsets of BodyRegionPrelude fields (data-plane.md §2.7). */
export const BodyRegionPreludeOffset = {
  inlineObjectBytes: 0,
  objectReferenceBytes: 4,
  typedPayloadDescriptorBytes: 8,
  typedPayloadFrameBytes: 12,
  extensionDescriptorBytes: 16,
  extensionPayloadBytes: 20,
  bodyFlags: 24,
  reserved: 28,
} as const;

/** The six region lengths of a composed body, in wire order (body_flags and reserved are 0). */
export interface BodyRegionPrelude {
  inlineObjectBytes: number;
  /** Multiple of 16. */
  objectReferenceBytes: number;
  /** payload_frame_count × 24 (checked by the typed-payload region, §2.9). */
  typedPayloadDescriptorBytes: number;
  typedPayloadFrameBytes: number;
  extensionDescriptorBytes: number;
  extensionPayloadBytes: number;
}

/** The six regions of a composed body as zero-copy views, plus the prelude that located them. */
export interface BodyRegions {
  prelude: BodyRegionPrelude;
  inlineObjects: Buffer;
  objectReferences: Buffer;
  typedPayloadDescriptors: Buffer;
  typedPayloadFrames: Buffer;
  extensionDescriptors: Buffer;
  extensionPayloads: Buffer;
}

// The six region lengths in wire order (§2.7).
const REGION_LENGTH_FIELDS: ReadonlyArray<keyof BodyRegionPrelude> = [
  'inlineObjectBytes',
  'objectReferenceBytes',
  'typedPayloadDescriptorBytes',
  'typedPayloadFrameBytes',
  'extensionDescriptorBytes',
  'extensionPayloadBytes',
];

// Rust `validate_alignment`, run by both parse and write.
function requirePreludeAlignment(p: BodyRegionPrelude): void {
  requireRule(
    p.objectReferenceBytes % OBJECT_REFERENCE_BLOCK_LEN === 0,
    'object_reference_bytes must be a multiple of object reference block length',
  );
}

/** Decodes the prelude. Order as the reference: length ≥ 32, body_flags, reserved, alignment. */
export function decodeBodyRegionPrelude(src: Buffer): BodyRegionPrelude {
  requireLength(src, BODY_REGION_PRELUDE_LEN, 'body_region_prelude');
  requireZero(
    src.readUInt32LE(BodyRegionPreludeOffset.bodyFlags),
    'body_region_prelude.body_flags',
  );
  requireZero(src.readUInt32LE(BodyRegionPreludeOffset.reserved), 'body_region_prelude.reserved');
  const prelude: BodyRegionPrelude = {
    inlineObjectBytes: src.readUInt32LE(BodyRegionPreludeOffset.inlineObjectBytes),
    objectReferenceBytes: src.readUInt32LE(BodyRegionPreludeOffset.objectReferenceBytes),
    typedPayloadDescriptorBytes: src.readUInt32LE(
      BodyRegionPreludeOffset.typedPayloadDescriptorBytes,
    ),
    typedPayloadFrameBytes: src.readUInt32LE(BodyRegionPreludeOffset.typedPayloadFrameBytes),
    extensionDescriptorBytes: src.readUInt32LE(BodyRegionPreludeOffset.extensionDescriptorBytes),
    extensionPayloadBytes: src.readUInt32LE(BodyRegionPreludeOffset.extensionPayloadBytes),
  };
  requirePreludeAlignment(prelude);
  return prelude;
}

/** Writes the prelude (all 32 bytes, body_flags and reserved zero) into `target` at `at`. */
export function writeBodyRegionPrelude(p: BodyRegionPrelude, target: Buffer, at: number): void {
  requirePreludeAlignment(p);
  target.fill(0, at, at + BODY_REGION_PRELUDE_LEN);
  for (const field of REGION_LENGTH_FIELDS) {
    target.writeUInt32LE(p[field], at + BodyRegionPreludeOffset[field]);
  }
}

/** Encodes the prelude (32 bytes), refusing values the decoder refuses. */
export function encodeBodyRegionPrelude(p: BodyRegionPrelude): Buffer {
  const out = Buffer.alloc(BODY_REGION_PRELUDE_LEN);
  writeBodyRegionPrelude(p, out, 0);
  return out;
}

/** Rust `total_region_bytes`: the checked u32 sum of the six lengths (`MessageLengthOverflow`). */
export function totalRegionBytes(p: BodyRegionPrelude): number {
  let sum = 0;
  for (const field of REGION_LENGTH_FIELDS) {
    sum += p[field];
    if (sum > U32_MAX) {
      throw new NnrpProtocolError(NnrpErrorKind.LengthOverflow, 'body_region_prelude');
    }
  }
  return sum;
}

/**
 * Splits a composed body into its six regions (zero-copy). Beyond the reference parser it
 * applies the Python conventions of §2.7: `32 + Σ lengths == body.length` exactly
 * (`PacketLengthMismatch`) and extension descriptors in 16-byte units.
 */
export function splitBodyRegions(body: Buffer): BodyRegions {
  const prelude = decodeBodyRegionPrelude(body);
  requireExactLength(
    body.length,
    BODY_REGION_PRELUDE_LEN + totalRegionBytes(prelude),
    'body_region_prelude.total_region_bytes',
  );
  requireRule(
    prelude.extensionDescriptorBytes % EXTENSION_DESCRIPTOR_LEN === 0,
    'extension_descriptor_bytes must be a multiple of extension descriptor length',
  );
  let at = BODY_REGION_PRELUDE_LEN;
  // Consecutive views; object literal properties are evaluated in source (= wire) order.
  const next = (length: number): Buffer => {
    at += length;
    return body.subarray(at - length, at);
  };
  return {
    prelude,
    inlineObjects: next(prelude.inlineObjectBytes),
    objectReferences: next(prelude.objectReferenceBytes),
    typedPayloadDescriptors: next(prelude.typedPayloadDescriptorBytes),
    typedPayloadFrames: next(prelude.typedPayloadFrameBytes),
    extensionDescriptors: next(prelude.extensionDescriptorBytes),
    extensionPayloads: next(prelude.extensionPayloadBytes),
  };
}
