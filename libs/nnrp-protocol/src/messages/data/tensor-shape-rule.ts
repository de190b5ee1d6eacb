import { requireRule } from '../../metadata/field-checks';
import { PayloadKind } from './payload-kind';

/**
 * The payload-shape rule of FRAME_SUBMIT and RESULT_PUSH (data-plane.md §2.2 step 6, §3.2 step
 * 5): without the tensor bit every tensor-only field must be 0; with it nothing is checked.
 * Internal to the data codecs (not re-exported).
 */
export function requireTensorFieldsClear<K extends string>(
  metadata: Readonly<Record<K, number>>,
  payloadKindBitmap: number,
  tensorFields: readonly K[],
  rule: string,
): void {
  if ((payloadKindBitmap & PayloadKind.Tensor) !== 0) return;
  // A plain loop: this runs for every non-tensor submit and result (the hot path).
  for (let i = 0; i < tensorFields.length; i++) {
    if (metadata[tensorFields[i]] !== 0) requireRule(false, rule);
  }
}
