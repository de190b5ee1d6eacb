import { expectProtocolError } from '../support/protocol-assertions';
export { hex, expectProtocolError } from '../support/protocol-assertions';
import fc from 'fast-check';
import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import { NnrpProtocolError } from '../../src/errors/nnrp-protocol-error';

// Test helpers shared by the data, cache and schema codec specs.

/** Arbitrary unsigned integer of `bits` bits. */
export function uint(bits: 8 | 16 | 32): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 ** bits - 1 });
}

/** Arbitrary u64 as a bigint. */
export const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

/**
 * Property: a decoder given random bytes, or valid encodings with random bytes overwritten,
 * either returns or throws an NnrpProtocolError — never a RangeError or anything else.
 */
export function assertDecoderOnlyThrowsProtocolErrors<T>(
  decode: (src: Buffer) => unknown,
  fixedLength: number,
  valid: fc.Arbitrary<T>,
  encode: (value: T) => Buffer,
): void {
  const attempt = (bytes: Buffer): boolean => {
    try {
      decode(bytes);
    } catch (error) {
      if (!(error instanceof NnrpProtocolError)) throw error;
    }
    return true;
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: fixedLength + 8 }), (bytes) =>
      attempt(Buffer.from(bytes)),
    ),
  );
  const mutation = fc.record({ index: fc.nat(), value: uint(8) });
  fc.assert(
    fc.property(valid, fc.array(mutation, { minLength: 1, maxLength: 4 }), (value, edits) => {
      const bytes = encode(value);
      for (const { index, value: byte } of edits) bytes[index % bytes.length] = byte;
      return attempt(bytes);
    }),
  );
}

/** One parse rule of a decoder and a byte edit that breaks only that rule. */
export interface ParseRule {
  name: string;
  kind: NnrpErrorKind;
  field: string;
  edit: (bytes: Buffer) => void;
}

/** A zero-filled block of `length` bytes with `edits` applied. */
export function zeroBlock(length: number, ...edits: ((bytes: Buffer) => void)[]): Buffer {
  const bytes = Buffer.alloc(length);
  for (const edit of edits) edit(bytes);
  return bytes;
}

/**
 * Registers tests proving each rule rejects alone on a zero block and that, with two rules
 * broken, the one listed first is reported: `rules` must be in the reference's order.
 */
export function itChecksRulesInOrder(
  decode: (src: Buffer) => unknown,
  length: number,
  rules: readonly ParseRule[],
): void {
  it.each(rules.map((rule) => [rule.name, rule] as const))('%s alone', (_name, rule) => {
    expectProtocolError(() => decode(zeroBlock(length, rule.edit)), rule.kind, rule.field);
  });
  const pairs = rules.flatMap((first, i) =>
    rules.slice(i + 1).map((later) => [first.name, later.name, first, later] as const),
  );
  it.each(pairs)('%s is checked before %s', (_first, _later, first, later) => {
    const bytes = zeroBlock(length, later.edit, first.edit);
    expectProtocolError(() => decode(bytes), first.kind, first.field);
  });
}

/**
 * Properties of a fixed-length codec: `decode(encode(x))` equals `x` and is exactly `length`
 * bytes for every valid `x`; the decoder only throws NnrpProtocolError on bad bytes.
 */
export function checkCodecProperties<T>(
  valid: fc.Arbitrary<T>,
  encode: (value: T) => Buffer,
  decode: (src: Buffer) => T,
  length: number,
): void {
  fc.assert(
    fc.property(valid, (value) => {
      const bytes = encode(value);
      expect(bytes).toHaveLength(length);
      expect(decode(bytes)).toEqual(value);
    }),
  );
  assertDecoderOnlyThrowsProtocolErrors(decode, length, valid, encode);
}
