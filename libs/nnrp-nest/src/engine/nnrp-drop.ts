import { DropReason } from './drop-reason';

/**
 * Return or throw this from a handler to end its frame with RESULT_DROP instead of a result.
 * Also the error an aborted frame's signal carries.
 */
export class NnrpDrop extends Error {
  override readonly name = 'NnrpDrop';

  constructor(
    readonly reason: DropReason = 'application',
    message?: string,
  ) {
    super(message ?? `frame dropped (${reason})`);
  }
}
