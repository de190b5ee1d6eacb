import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { NnrpAuthRejection } from '../engine/nnrp-auth-policy';
import { dropOfError } from '../engine/drop-of-error';
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
    if (exception instanceof NnrpAuthRejection) return throwError(() => exception);
    const drop = dropOfError(exception);
    if (drop) return throwError(() => drop);
    if (ctx instanceof NnrpContext && ctx.frame) {
      const message = exception instanceof Error ? exception.message : JSON.stringify(exception);
      this.logger.warn(
        `frame ${ctx.frameId} of session ${ctx.session?.id ?? 0} dropped: ${message}`,
      );
      return throwError(() => new NnrpDrop('handler-error', message));
    }
    return throwError(() => exception);
  }
}
