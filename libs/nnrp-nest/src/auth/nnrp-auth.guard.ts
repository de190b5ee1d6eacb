import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { NnrpAuthPolicy, NnrpAuthRejection } from '../engine/nnrp-auth-policy';
import { NnrpContext } from '../nest/nnrp-context';

/** Injection token of the policy `NnrpAuthGuard` uses when constructed by DI. */
export const NNRP_AUTH_POLICY = Symbol('NNRP_AUTH_POLICY');

/** Injection token of {@link NnrpAuthGuardOptions}. */
export const NNRP_AUTH_GUARD_OPTIONS = Symbol('NNRP_AUTH_GUARD_OPTIONS');

/** Options of {@link NnrpAuthGuard}. */
export interface NnrpAuthGuardOptions {
  /** On handlers other than `@NnrpSessionOpen()`, refuse sessions without a principal. */
  requirePrincipal?: boolean;
}

/**
 * Enforces an {@link NnrpAuthPolicy} on CLIENT_HELLO and SESSION_OPEN (decisions.md §9). Put it
 * on the `@NnrpSessionOpen()` handler (or globally): it runs the policy on the handshake's auth
 * block, records the principal, and rejects with the policy's session error code. On other
 * handlers it only lets sessions with a principal through when `requirePrincipal` is set.
 */
@Injectable()
export class NnrpAuthGuard implements CanActivate {
  constructor(
    @Optional() @Inject(NNRP_AUTH_POLICY) private readonly policy?: NnrpAuthPolicy,
    @Optional()
    @Inject(NNRP_AUTH_GUARD_OPTIONS)
    private readonly options: NnrpAuthGuardOptions = {},
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ctx = context.switchToRpc().getContext<unknown>();
    if (!(ctx instanceof NnrpContext)) return true;
    if (ctx.kind !== 'session.open') {
      if (this.options.requirePrincipal && ctx.session?.principal === undefined) {
        throw new NnrpAuthRejection();
      }
      return true;
    }
    if (!this.policy || !ctx.auth) return true;
    const decision = await this.policy.authorize(ctx.auth);
    if (decision === false) throw new NnrpAuthRejection();
    ctx.principal = typeof decision === 'string' ? decision : undefined;
    return true;
  }
}
