import { requireZeroBytes } from '../../body/body-bounds';
import { requireLength, requireMask, requireRule } from '../../metadata/field-checks';
import {
  CONTROL_EXTENSION_FLAG_CRITICAL,
  CONTROL_EXTENSION_FLAGS_MASK,
} from './control-extension-vocabulary';

/** Bytes before each entry's payload: `ext_type` u16, `ext_flags` u16, `ext_len` u32. */
export const CONTROL_EXTENSION_HEADER_LEN = 8;
/** Every entry (header + payload + padding) ends on a multiple of this. */
export const CONTROL_EXTENSION_ALIGNMENT = 8;
/** `ext_type` 0 is reserved. */
const RESERVED_EXT_TYPE = 0x0000;

/** Byte offsets inside one entry (control-plane.md §4.3). */
export const ControlExtensionOffset = {
  extType: 0,
  extFlags: 2,
  extLen: 4,
  payload: CONTROL_EXTENSION_HEADER_LEN,
} as const;

/** One TLV entry of a `control_extension_block` (CLIENT_HELLO / SERVER_HELLO_ACK bodies). */
export interface ControlExtensionEntry {
  /** See {@link ControlExtensionType}; 0x4000+ are experimental, vendor and local ranges. */
  extType: number;
  /** Bit 0 = {@link CONTROL_EXTENSION_FLAG_CRITICAL}; no other bit is defined. */
  extFlags: number;
  /** The payload without padding; a view into the decoded block, never a copy. */
  payload: Buffer;
}

/** Zero bytes after a payload of `payloadLen` bytes: `(-ext_len) mod 8`. */
export function controlExtensionPadding(payloadLen: number): number {
  return (
    (CONTROL_EXTENSION_ALIGNMENT - (payloadLen % CONTROL_EXTENSION_ALIGNMENT)) %
    CONTROL_EXTENSION_ALIGNMENT
  );
}

/** Bytes one entry takes in the block: header, payload and padding. */
function entrySize(payloadLen: number): number {
  return CONTROL_EXTENSION_HEADER_LEN + payloadLen + controlExtensionPadding(payloadLen);
}

function checkEntryHead(extType: number, extFlags: number): void {
  requireRule(extType !== RESERVED_EXT_TYPE, 'control_extension.ext_type must not be 0');
  requireMask(extFlags, CONTROL_EXTENSION_FLAGS_MASK, 'control_extension.ext_flags');
}

/**
 * Decodes a whole `control_extension_block`: entries back to back until the block is used up.
 * A truncated header, payload or padding is `TooShort`; non-zero padding is
 * `NonZeroReservedField`. Unknown types are returned too: the caller ignores the non-critical
 * ones and refuses the critical ones (see {@link findUnknownCriticalExtension}).
 */
export function decodeControlExtensions(block: Buffer): ControlExtensionEntry[] {
  const entries: ControlExtensionEntry[] = [];
  let offset = 0;
  while (offset < block.length) {
    const rest = block.subarray(offset);
    requireLength(rest, CONTROL_EXTENSION_HEADER_LEN, 'control_extension.header');
    const extType = rest.readUInt16LE(ControlExtensionOffset.extType);
    const extFlags = rest.readUInt16LE(ControlExtensionOffset.extFlags);
    const extLen = rest.readUInt32LE(ControlExtensionOffset.extLen);
    checkEntryHead(extType, extFlags);
    const payloadEnd = ControlExtensionOffset.payload + extLen;
    requireLength(rest, payloadEnd, 'control_extension.payload');
    const entryEnd = entrySize(extLen);
    requireLength(rest, entryEnd, 'control_extension.padding');
    requireZeroBytes(rest, payloadEnd, entryEnd, 'control_extension.padding');
    entries.push({
      extType,
      extFlags,
      payload: rest.subarray(ControlExtensionOffset.payload, payloadEnd),
    });
    offset += entryEnd;
  }
  return entries;
}

/** Encodes entries into one new block, each padded with zeros to a multiple of 8. */
export function encodeControlExtensions(entries: readonly ControlExtensionEntry[]): Buffer {
  let total = 0;
  for (const entry of entries) {
    checkEntryHead(entry.extType, entry.extFlags);
    total += entrySize(entry.payload.length);
  }
  // Zero-filled, so the padding needs no extra writes.
  const out = Buffer.alloc(total);
  let offset = 0;
  for (const entry of entries) {
    out.writeUInt16LE(entry.extType, offset + ControlExtensionOffset.extType);
    out.writeUInt16LE(entry.extFlags, offset + ControlExtensionOffset.extFlags);
    out.writeUInt32LE(entry.payload.length, offset + ControlExtensionOffset.extLen);
    entry.payload.copy(out, offset + ControlExtensionOffset.payload);
    offset += entrySize(entry.payload.length);
  }
  return out;
}

/** The first entry of type `extType`, if any. */
export function findControlExtension(
  entries: readonly ControlExtensionEntry[],
  extType: number,
): ControlExtensionEntry | undefined {
  return entries.find((entry) => entry.extType === extType);
}

/**
 * The first CRITICAL entry whose type is not in `known`: the docs require answering it with
 * ERROR `unsupported_capability` (0x0006). Non-critical unknown entries are ignored.
 */
export function findUnknownCriticalExtension(
  entries: readonly ControlExtensionEntry[],
  known: ReadonlySet<number>,
): ControlExtensionEntry | undefined {
  return entries.find(
    (entry) =>
      (entry.extFlags & CONTROL_EXTENSION_FLAG_CRITICAL) !== 0 && !known.has(entry.extType),
  );
}
