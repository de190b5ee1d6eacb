import { requireExactLength } from '../../body/body-bounds';
import { requireLength } from '../../metadata/field-checks';

/**
 * Refuses a block that is not exactly `expected` bytes long. Fixed metadata accepts trailing
 * bytes (the reference does), but the fixed-size body blocks (extension payloads, the tensor
 * clamp block) have no room for anything else: shorter is `TooShort`, longer a length mismatch.
 */
export function requireBlockLength(src: Buffer, expected: number, field: string): void {
  requireLength(src, expected, field);
  requireExactLength(src.length, expected, field);
}
