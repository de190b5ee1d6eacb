import { isNnrpProtocolError } from '@nest-nnrp/protocol';
import { NnrpDrop } from './nnrp-drop';
import { NnrpSchemaError } from './nnrp-schema-error';

/**
 * The drop an error stands for, if it is one of NNRP's own frame-level errors: an `NnrpDrop`
 * as is, a schema binding error with its schema code, a typed view's `NnrpProtocolError` as an
 * invalid body (decisions.md §4, §16). Anything else is `undefined` (a handler failure).
 */
export function dropOfError(error: unknown): NnrpDrop | undefined {
  if (error instanceof NnrpDrop) return error;
  if (error instanceof NnrpSchemaError) return new NnrpDrop('schema', error.message, error.code);
  if (isNnrpProtocolError(error)) return new NnrpDrop('invalid-body', error.message);
  return undefined;
}
