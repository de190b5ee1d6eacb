import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import { NnrpProtocolError } from '../../src/errors/nnrp-protocol-error';

// Assertions shared by every codec spec (control, data, body, header, framer).

/** Bytes from a spaced hex dump, as printed in the specs. */
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

/** Asserts that `fn` throws an NnrpProtocolError of `kind` (naming `field`, when given). */
export function expectProtocolError(fn: () => unknown, kind: NnrpErrorKind, field?: string): void {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(NnrpProtocolError);
  expect(error).toMatchObject(field === undefined ? { kind } : { kind, field });
}
