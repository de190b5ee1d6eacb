import { requireRule } from '../../metadata/field-checks';
import { PayloadKind } from './payload-kind';

/**
 * The payload-shape rule of FRAME_SUBMIT and RESULT_PUSH (data-plane.md §2.2 step 6, §3.2 step
 * 5): without the tensor bit every tensor-only field must be 0; with it nothing is checked.
 * Internal to the data codecs (not re-exported).
 */
export function requireTensorFieldsClear(
  payloadKindBitmap: number,
  anyTensorFieldSet: boolean,
  rule: string,
): void {
  if ((payloadKindBitmap & PayloadKind.Tensor) === 0 && anyTensorFieldSet) requireRule(false, rule);
}
