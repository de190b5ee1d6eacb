import type { ClientHelloMetadata, SessionOpenMetadata } from '@nest-nnrp/protocol';

/** What an auth policy sees of a handshake (decisions.md §9). */
export interface NnrpAuthRequest {
  /** `hello` for CLIENT_HELLO, `open` for SESSION_OPEN. */
  readonly flow: 'hello' | 'open';
  /** The raw auth block (empty when the client sent none). Never log it. */
  readonly authBlock: Buffer;
  readonly hello?: ClientHelloMetadata;
  readonly open?: SessionOpenMetadata;
  readonly carrier: 'tcp' | 'quic';
  readonly remoteAddress: string;
}

/**
 * The application's auth decision for a handshake: a principal string to accept (or `true` /
 * `undefined` for an anonymous accept), `false` to reject with `auth_failed`, or throw
 * {@link NnrpAuthRejection} to reject with a specific session error code.
 */
export type NnrpAuthDecision = string | boolean | undefined;

/** An application auth policy, synchronous or asynchronous. */
export interface NnrpAuthPolicy {
  authorize(request: NnrpAuthRequest): NnrpAuthDecision | Promise<NnrpAuthDecision>;
}

/** Thrown by a policy (or guard) to reject a handshake with a given session error code. */
export class NnrpAuthRejection extends Error {
  override readonly name = 'NnrpAuthRejection';
  /** Default: SESSION_ERROR_AUTH_FAILED (0x00010001). */
  constructor(
    readonly errorCode = 0x00010001,
    message = 'authentication failed',
  ) {
    super(message);
  }
}
