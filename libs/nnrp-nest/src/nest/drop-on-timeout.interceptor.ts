import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, takeUntil } from 'rxjs';
import { NNRP_TIMEOUT_METADATA } from './nnrp-constants';
import { NnrpContext } from './nnrp-context';

/**
 * Answers frames that miss their deadline with RESULT_DROP (decisions.md §13). The deadline is
 * the smallest non-zero of the handler's `timeoutMs` (from `@NnrpSubmit({ timeoutMs })` or this
 * interceptor's default), the submit's `latency_budget_ms` and the session's
 * `default_deadline_ms`. When it passes the frame is dropped, the handler's abort signal fires,
 * the handler's stream is unsubscribed and any later result is discarded.
 */
@Injectable()
export class DropOnTimeoutInterceptor implements NestInterceptor {
  private readonly reflector = new Reflector();

  constructor(private readonly defaultTimeoutMs = 0) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ctx = context.switchToRpc().getContext<unknown>();
    // Only submits have a deadline; a cancel notification carries its (dropped) frame too.
    const frame = ctx instanceof NnrpContext && ctx.kind === 'submit' ? ctx.frame : undefined;
    if (!frame) return next.handle();
    const handlerTimeout = this.reflector.get<number | undefined>(
      NNRP_TIMEOUT_METADATA,
      context.getHandler(),
    );
    frame.applyDeadline(handlerTimeout ?? this.defaultTimeoutMs);
    const dropped$ = new Observable<void>((subscriber) => frame.onAbort(() => subscriber.next()));
    return next.handle().pipe(takeUntil(dropped$));
  }
}
