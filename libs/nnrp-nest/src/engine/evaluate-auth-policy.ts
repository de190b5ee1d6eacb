import { NnrpAuthOutcome } from './nnrp-dispatcher';
import { NnrpAuthPolicy, NnrpAuthRejection, NnrpAuthRequest } from './nnrp-auth-policy';

/** SESSION_ERROR_AUTH_FAILED, the default code of a rejected handshake (decisions.md §9). */
export const DEFAULT_AUTH_ERROR_CODE = 0x00010001;

/** Runs a policy and turns its decision (or rejection) into an outcome. */
export async function evaluateAuthPolicy(
  policy: NnrpAuthPolicy,
  request: NnrpAuthRequest,
): Promise<NnrpAuthOutcome> {
  try {
    const decision = await policy.authorize(request);
    if (decision === false) return { ok: false, errorCode: DEFAULT_AUTH_ERROR_CODE };
    return { ok: true, principal: typeof decision === 'string' ? decision : undefined };
  } catch (error) {
    return { ok: false, errorCode: authErrorCode(error) };
  }
}

/** The session error code an auth failure carries. */
export function authErrorCode(error: unknown): number {
  return error instanceof NnrpAuthRejection ? error.errorCode : DEFAULT_AUTH_ERROR_CODE;
}
