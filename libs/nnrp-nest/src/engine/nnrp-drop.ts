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
    /**
     * A protocol error code explaining the drop (a cache or schema family code, data-plane.md
     * §8.5, §9.4). CLIENT_HELLO-flow clients hear it as a frame-scope, non-fatal ERROR before the
     * RESULT_DROP; SESSION_OPEN-flow clients only get the drop (decisions.md §10).
     */
    readonly errorCode?: number,
  ) {
    super(message ?? `frame dropped (${reason})`);
  }
}
