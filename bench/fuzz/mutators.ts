import { HEADER_LEN } from '@nest-nnrp/protocol';
import { Rng } from './rng';

/** Header offsets the mutators aim at (control-plane.md §1.1). */
const OFFSET = {
  messageType: 6,
  flags: 8,
  metaLen: 12,
  bodyLen: 16,
  sessionId: 20,
  frameId: 24,
} as const;

/** What mutators need to know to hit the interesting values. */
export interface MutationContext {
  /** The server's caps: lengths at, just under and just over them are the edge cases. */
  readonly maxMetaLen: number;
  readonly maxBodyLen: number;
  /** Session ids worth aiming at: the connection's own, another connection's, 0, 1… */
  readonly sessionIds: readonly number[];
  /** Reference code values (from the conformance vectors). */
  readonly values: readonly number[];
}

type Mutator = (packet: Buffer, rng: Rng, context: MutationContext) => Buffer;

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff] as const;

function lengthLimits(cap: number, actual: number): number[] {
  return [0, 1, cap - 1, cap, cap + 1, 0x7fffffff, 0xffffffff, actual - 1, actual + 1].map(
    (value) => value >>> 0,
  );
}

function u32Choice(rng: Rng, context: MutationContext): number {
  return rng.chance(0.5) && context.values.length > 0 ? rng.pick(context.values) : rng.u32();
}

/**
 * Sets `meta_len` or `body_len` to a limit value (0, 1, the cap ± 1, 2^31 − 1, 2^32 − 1, the
 * real length ± 1) without resizing anything: the caps must be checked before allocation.
 */
export function lengthAtLimit(packet: Buffer, rng: Rng, context: MutationContext): Buffer {
  const meta = rng.chance(0.5);
  const at = meta ? OFFSET.metaLen : OFFSET.bodyLen;
  const cap = meta ? context.maxMetaLen : context.maxBodyLen;
  const out = Buffer.from(packet);
  out.writeUInt32LE(rng.pick(lengthLimits(cap, out.readUInt32LE(at))), at);
  return out;
}

/** A valid header with metadata its decoder has never seen (lengths kept consistent). */
export function randomMetadata(packet: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(packet);
  const metaLen = Math.min(out.readUInt32LE(OFFSET.metaLen), out.length - HEADER_LEN);
  for (let i = 0; i < metaLen; i++) out[HEADER_LEN + i] = rng.int(256);
  return out;
}

/** Mutators that need a whole header to aim at. */
const HEADER_MUTATORS: Readonly<Record<string, Mutator>> = {
  headerBitFlip: (p, rng) => {
    p[rng.int(HEADER_LEN)] ^= 1 << rng.int(8);
    return p;
  },
  lengthAtLimit,
  messageType: (p, rng) => {
    p[OFFSET.messageType] = rng.chance(0.7) ? rng.int(0x23) : rng.int(256);
    return p;
  },
  flags: (p, rng) => {
    p.writeUInt32LE(rng.chance(0.5) ? rng.int(0x40) : (1 << rng.int(32)) >>> 0, OFFSET.flags);
    return p;
  },
  sessionId: (p, rng, context) => {
    p.writeUInt32LE(rng.pick(context.sessionIds) >>> 0, OFFSET.sessionId);
    return p;
  },
  frameId: (p, rng, context) => {
    p.writeUInt32LE(rng.pick([0, 1, 0xffffffff, u32Choice(rng, context)]), OFFSET.frameId);
    return p;
  },
  randomMetadata,
  /** A valid header announcing metadata of the wrong length (lengths kept consistent). */
  resizeMetadata: (p, rng) => {
    const metaLen = p.readUInt32LE(OFFSET.metaLen);
    if (HEADER_LEN + metaLen > p.length) return p;
    const newLen = rng.pick([0, 1, Math.max(0, metaLen - 1), metaLen + 1, metaLen + rng.int(64)]);
    const metadata = Buffer.alloc(newLen);
    p.copy(metadata, 0, HEADER_LEN, HEADER_LEN + Math.min(metaLen, newLen));
    const out = Buffer.concat([
      p.subarray(0, HEADER_LEN),
      metadata,
      p.subarray(HEADER_LEN + metaLen),
    ]);
    out.writeUInt32LE(newLen, OFFSET.metaLen);
    return out;
  },
  /** A body where none belongs, or a different body length (lengths kept consistent). */
  resizeBody: (p, rng) => {
    const metaEnd = HEADER_LEN + p.readUInt32LE(OFFSET.metaLen);
    if (metaEnd > p.length) return p;
    const body = rng.bytes(rng.pick([0, 1, 7, 64, rng.int(512)]));
    const out = Buffer.concat([p.subarray(0, metaEnd), body]);
    out.writeUInt32LE(body.length, OFFSET.bodyLen);
    return out;
  },
  u32Field: (p, rng, context) => {
    if (p.length < HEADER_LEN + 4) return p;
    const at = HEADER_LEN + 4 * rng.int(Math.floor((p.length - HEADER_LEN) / 4));
    p.writeUInt32LE(u32Choice(rng, context), at);
    return p;
  },
};

/** Mutators that work on any bytes. */
const BYTE_MUTATORS: Readonly<Record<string, Mutator>> = {
  bitFlip: (p, rng) => {
    for (let flips = rng.range(1, 8); flips > 0 && p.length > 0; flips--) {
      p[rng.int(p.length)] ^= 1 << rng.int(8);
    }
    return p;
  },
  interestingByte: (p, rng) => {
    if (p.length > 0) p[rng.int(p.length)] = rng.pick(INTERESTING_BYTES);
    return p;
  },
  truncate: (p, rng) => p.subarray(0, rng.int(p.length)),
  extend: (p, rng) => Buffer.concat([p, rng.bytes(rng.range(1, 64))]),
};

/** A mutated copy of `packet` and the names of the mutations applied. */
export interface Mutant {
  readonly bytes: Buffer;
  readonly applied: readonly string[];
}

/** Applies one to three random mutations to a copy of `packet`. */
export function mutate(packet: Buffer, rng: Rng, context: MutationContext): Mutant {
  let bytes = Buffer.from(packet);
  const applied: string[] = [];
  for (let count = rng.range(1, 3); count > 0; count--) {
    const table = bytes.length >= HEADER_LEN && rng.chance(0.75) ? HEADER_MUTATORS : BYTE_MUTATORS;
    const name = rng.pick(Object.keys(table));
    bytes = Buffer.from(table[name](bytes, rng, context));
    applied.push(name);
  }
  return { bytes, applied };
}
