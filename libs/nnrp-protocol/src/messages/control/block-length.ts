import { NnrpErrorKind } from '../../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../../errors/nnrp-protocol-error';
import { requireLength } from '../../metadata/field-checks';

/**
 * Refuses a block that is not exactly `expected` bytes long. Fixed metadata accepts trailing
 * bytes (the reference does), but the fixed-size body blocks (extension payloads, the tensor
 * clamp block) have no room for anything else: shorter is `TooShort`, longer a length mismatch.
 */
export function requireExactLength(src: Buffer, expected: number, field: string): void {
  requireLength(src, expected, field);
  if (src.length !== expected) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      field,
      `${field}: expected exactly ${expected} bytes, got ${src.length}`,
    );
  }
}
