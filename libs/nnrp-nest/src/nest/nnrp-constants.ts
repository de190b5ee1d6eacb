/** Transport id of {@link NnrpTransport}: NNRP decorators register only with it. */
export const NNRP_TRANSPORT = Symbol('NNRP_TRANSPORT');

/** Metadata key of a handler's own timeout (read by `DropOnTimeoutInterceptor`). */
export const NNRP_TIMEOUT_METADATA = 'nnrp:timeout-ms';

/** Key of the NNRP routing data in a handler's `extras`. */
export const NNRP_EXTRAS_KEY = 'nnrp';

/** What an NNRP handler is invoked for. */
export type NnrpHandlerKind =
  'submit' | 'patch' | 'cancel' | 'migrate' | 'session.open' | 'session.close' | 'cache.put';
