import { requireEnum, requireMask, requireRule } from '../metadata/field-checks';
import {
  decodeObjectReferenceBlock,
  OBJECT_REFERENCE_BLOCK_LEN,
  type ObjectReferenceBlock,
} from './object-reference-block';
import { SubmitMode } from '../messages/data/submit-vocabulary';

/**
 * Standard FRAME_SUBMIT reference slots: the bit each one owns in `object_ref_mask` (§2.8).
 * The slot order (bit order) is the order blocks must appear in.
 */
export enum SubmitObjectSlot {
  CameraBlock = 0x1,
  TileIndexBlock = 0x2,
  TensorSectionTable = 0x4,
  PayloadLayoutTemplate = 0x8,
}

/** Every defined `object_ref_mask` bit (Rust `SUBMIT_OBJECT_REF_MASK_KNOWN_BITS`). */
export const SUBMIT_OBJECT_SLOT_MASK = 0x0000_000f;

// CacheObjectKind (§8.1) → the slot it fills; other kinds are not standard slots.
const SLOT_OF_KIND: Readonly<Record<number, SubmitObjectSlot>> = {
  0x0001: SubmitObjectSlot.CameraBlock,
  0x0002: SubmitObjectSlot.TileIndexBlock,
  0x0003: SubmitObjectSlot.TensorSectionTable,
  0x0006: SubmitObjectSlot.PayloadLayoutTemplate,
};

/** The standard slot a CacheObjectKind fills, or undefined for a non-standard kind. */
export function submitSlotOfKind(objectKind: number): SubmitObjectSlot | undefined {
  return SLOT_OF_KIND[objectKind];
}

/**
 * Decodes an object-reference region: its length must be a multiple of 16 (rule 5, checked
 * first as the reference parser does), then every block decodes.
 */
export function decodeObjectReferenceRegion(region: Buffer): ObjectReferenceBlock[] {
  requireRule(
    region.length % OBJECT_REFERENCE_BLOCK_LEN === 0,
    'object reference region length must be a multiple of object reference block length',
  );
  const blocks: ObjectReferenceBlock[] = [];
  for (let at = 0; at < region.length; at += OBJECT_REFERENCE_BLOCK_LEN) {
    blocks.push(decodeObjectReferenceBlock(region.subarray(at, at + OBJECT_REFERENCE_BLOCK_LEN)));
  }
  return blocks;
}

/** Rules 1–2 of §2.8: known mask bits; inline ⇔ mask 0, reference/mixed ⇔ mask ≠ 0. */
export function validateSubmitObjectRefMask(submitMode: number, objectRefMask: number): void {
  requireMask(objectRefMask, SUBMIT_OBJECT_SLOT_MASK, 'frame_submit.object_ref_mask');
  requireEnum(submitMode, SubmitMode.Inline, SubmitMode.Mixed, 'submit_mode');
  if (submitMode === SubmitMode.Inline) {
    requireRule(objectRefMask === 0, 'inline FRAME_SUBMIT must not declare object_ref_mask');
  } else {
    requireRule(
      objectRefMask !== 0,
      'reference or mixed FRAME_SUBMIT requires non-zero object_ref_mask',
    );
  }
}

/**
 * `ObjectReferenceRegion::validate_submit_mask` (§2.8 rules 1–5): decodes the region and checks
 * that its standard-slot blocks appear once each, in slot order, exactly matching
 * `object_ref_mask`. Non-standard kinds may appear anywhere. Returns the decoded blocks.
 */
export function validateSubmitMask(
  region: Buffer,
  submitMode: number,
  objectRefMask: number,
): ObjectReferenceBlock[] {
  const blocks = decodeObjectReferenceRegion(region);
  validateSubmitObjectRefMask(submitMode, objectRefMask);
  let lastSlot = 0;
  let seenMask = 0;
  for (const block of blocks) {
    const slot = submitSlotOfKind(block.objectKind);
    if (slot === undefined) {
      continue;
    }
    requireRule(slot >= lastSlot, 'object reference region standard slots must be sorted');
    requireRule(
      (seenMask & slot) === 0,
      'object reference region must not duplicate standard slots',
    );
    requireRule(
      (objectRefMask & slot) !== 0,
      'object reference block requires matching object_ref_mask bit',
    );
    lastSlot = slot;
    seenMask |= slot;
  }
  requireRule(
    seenMask === objectRefMask,
    'object reference region must exactly match object_ref_mask',
  );
  return blocks;
}
