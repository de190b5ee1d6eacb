import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stateless retry tokens (RFC 9000 §8.1.2): the server answers a token-less Initial with a Retry
 * carrying a token; a client that echoes it proves it receives packets at its address.
 *
 * Layout: `format(1) | expiresAtMs(6, big endian) | odcidLength(1) | odcid | mac(32)`, where
 * `mac = HMAC-SHA256(key, format | expiresAt | odcid | address | retryScid)`. The retry source
 * connection id is not stored: the client must send it back as the destination id, so it is
 * bound through the MAC instead.
 */

const TOKEN_FORMAT_V1 = 0x01;
const FORMAT_BYTES = 1;
const EXPIRY_BYTES = 6;
const ODCID_LENGTH_BYTES = 1;
const HEADER_BYTES = FORMAT_BYTES + EXPIRY_BYTES + ODCID_LENGTH_BYTES;
const MAC_ALGORITHM = 'sha256';
const MAC_BYTES = 32;
const KEY_BYTES = 32;
/** QUIC v1 connection ids are at most 20 bytes. */
const MAX_ODCID_BYTES = 20;

/** Mints and checks retry tokens with a per-process random key. */
export class QuicRetryTokens {
  private readonly key: Buffer;

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = randomBytes(KEY_BYTES);
  }

  /** A token for a client at `address` whose first Initial had `odcid`, retried to `retryScid`. */
  mint(address: string, odcid: Uint8Array, retryScid: Uint8Array): Buffer {
    const token = Buffer.allocUnsafe(HEADER_BYTES + odcid.length + MAC_BYTES);
    token[0] = TOKEN_FORMAT_V1;
    token.writeUIntBE(this.now() + this.lifetimeMs, FORMAT_BYTES, EXPIRY_BYTES);
    token[FORMAT_BYTES + EXPIRY_BYTES] = odcid.length;
    token.set(odcid, HEADER_BYTES);
    const signed = token.subarray(0, HEADER_BYTES + odcid.length);
    this.mac(signed, address, retryScid).copy(token, signed.length);
    return token;
  }

  /**
   * The original destination connection id when `token` is ours, unexpired, and was issued to
   * `address` for a client now addressing `dcid`; `undefined` otherwise.
   */
  validate(token: Uint8Array, address: string, dcid: Uint8Array): Buffer | undefined {
    if (token.length < HEADER_BYTES + MAC_BYTES || token[0] !== TOKEN_FORMAT_V1) return undefined;
    const bytes = Buffer.from(token.buffer, token.byteOffset, token.byteLength);
    const odcidLength = bytes[FORMAT_BYTES + EXPIRY_BYTES];
    if (odcidLength > MAX_ODCID_BYTES || bytes.length !== HEADER_BYTES + odcidLength + MAC_BYTES) {
      return undefined;
    }
    const signedLength = HEADER_BYTES + odcidLength;
    const expected = this.mac(bytes.subarray(0, signedLength), address, dcid);
    if (!timingSafeEqual(expected, bytes.subarray(signedLength))) return undefined;
    if (bytes.readUIntBE(FORMAT_BYTES, EXPIRY_BYTES) < this.now()) return undefined;
    return Buffer.from(bytes.subarray(HEADER_BYTES, signedLength));
  }

  private mac(signed: Uint8Array, address: string, retryScid: Uint8Array): Buffer {
    return createHmac(MAC_ALGORITHM, this.key)
      .update(signed)
      .update(address)
      .update(retryScid)
      .digest();
  }
}
