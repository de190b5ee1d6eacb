import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { isNnrpProtocolError } from '@nest-nnrp/protocol';
import { Observable, throwError } from 'rxjs';
import { NnrpAuthRejection } from '../engine/nnrp-auth-policy';
import { NnrpDrop } from '../engine/nnrp-drop';
import { NnrpContext } from './nnrp-context';

/**
 * Ends a frame whose handler (or validation pipe, or guard) failed with RESULT_DROP, logs the
 * failure, and keeps the session up (decisions.md §16). It passes NNRP's own signals
 * (`NnrpDrop`, `NnrpAuthRejection`) through unchanged so their reason and code survive Nest's
 * exception layer.
 */
@Catch()
export class NnrpExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('NnrpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const ctx = host.switchToRpc().getContext<unknown>();
    if (exception instanceof NnrpDrop || exception instanceof NnrpAuthRejection) {
      return throwError(() => exception);
    }
    if (ctx instanceof NnrpContext && ctx.frame) {
      const message = exception instanceof Error ? exception.message : JSON.stringify(exception);
      this.logger.warn(
        `frame ${ctx.frameId} of session ${ctx.session?.id ?? 0} dropped: ${message}`,
      );
      // A body that fails a typed view is a frame-level error (decisions.md §4, §16).
      const reason = isNnrpProtocolError(exception) ? 'invalid-body' : 'handler-error';
      return throwError(() => new NnrpDrop(reason, message));
    }
    return throwError(() => exception);
  }
}
