import fc from 'fast-check';
import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import { NnrpProtocolError } from '../../src/errors/nnrp-protocol-error';

// Helpers shared by the control-plane, header and framer specs.

/** Bytes from a spaced hex dump, as printed in control-plane.md. */
export function hex(dump: string): Buffer {
  return Buffer.from(dump.replace(/\s+/g, ''), 'hex');
}

/** What `fn` threw (undefined when it returned). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Asserts that `fn` throws an NnrpProtocolError of `kind` naming `field`. */
export function expectProtocolError(fn: () => unknown, kind: NnrpErrorKind, field: string): void {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(NnrpProtocolError);
  expect(error).toMatchObject({ kind, field });
}

/** Asserts that `fn` either returns or throws an NnrpProtocolError (never anything else). */
export function expectOnlyProtocolErrors(fn: () => unknown): void {
  const error = thrownBy(fn);
  if (error !== undefined && !(error instanceof NnrpProtocolError)) throw error;
}

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });

/** Any value of a contiguous enum `[min, max]`. */
export function enumOf(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min, max });
}

/** Any combination of the bits of `mask`. */
export function bitsOf(mask: number): fc.Arbitrary<number> {
  return u32.map((value) => (value & mask) >>> 0);
}

/** Random bytes as a Buffer. */
export function bytes(maxLength: number, minLength = 0): fc.Arbitrary<Buffer> {
  return fc.uint8Array({ minLength, maxLength }).map((array) => Buffer.from(array));
}

/** `src` with one byte replaced (position and value drawn by fast-check). */
export function mutated(src: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(src, fc.nat(), u8)
    .filter(([buffer]) => buffer.length > 0)
    .map(([buffer, position, value]) => {
      const copy = Buffer.from(buffer);
      copy[position % copy.length] = value;
      return copy;
    });
}
