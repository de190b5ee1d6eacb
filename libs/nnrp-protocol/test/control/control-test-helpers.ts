import { thrownBy } from '../support/protocol-assertions';
export { hex, thrownBy, expectProtocolError } from '../support/protocol-assertions';
import fc from 'fast-check';
import { NnrpProtocolError } from '../../src/errors/nnrp-protocol-error';

// Helpers shared by the control-plane, header and framer specs.

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
