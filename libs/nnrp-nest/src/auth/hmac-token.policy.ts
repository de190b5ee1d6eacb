import { createHmac, timingSafeEqual } from 'node:crypto';
import { NnrpAuthDecision, NnrpAuthPolicy, NnrpAuthRequest } from '../engine/nnrp-auth-policy';

/** Length of the token at the start of the auth block (an HMAC-SHA256 digest). */
export const HMAC_TOKEN_LEN = 32;

/**
 * The Python server's documented token policy (decisions.md §9): the auth block is at least
 * 32 bytes; the first 32 are the token, the rest the payload; valid iff the token equals
 * HMAC-SHA256(secret, payload), compared in constant time. The principal is the payload.
 */
export class HmacTokenPolicy implements NnrpAuthPolicy {
  private readonly secret: Buffer;

  constructor(secret: string | Buffer) {
    this.secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  }

  authorize(request: NnrpAuthRequest): NnrpAuthDecision {
    const block = request.authBlock;
    if (block.length < HMAC_TOKEN_LEN) return false;
    const token = block.subarray(0, HMAC_TOKEN_LEN);
    const payload = block.subarray(HMAC_TOKEN_LEN);
    const expected = createHmac('sha256', this.secret).update(payload).digest();
    if (!timingSafeEqual(token, expected)) return false;
    return principalOf(payload);
  }

  /** Builds an auth block for `payload` (clients, tests and tools). */
  static authBlock(secret: string | Buffer, payload: string | Buffer): Buffer {
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    return Buffer.concat([createHmac('sha256', key).update(body).digest(), body]);
  }
}

/**
 * The payload as a principal: its UTF-8 text when it round-trips exactly, otherwise `hex:…`, so
 * two different payloads never collapse into one principal.
 */
function principalOf(payload: Buffer): string {
  const text = payload.toString('utf8');
  return Buffer.from(text, 'utf8').equals(payload) ? text : `hex:${payload.toString('hex')}`;
}
