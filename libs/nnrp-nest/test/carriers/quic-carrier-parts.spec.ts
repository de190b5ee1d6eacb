import {
  QuicCarrierError,
  fromConnectionClose,
  fromQuicheThrow,
  parseQuicheError,
} from '../../src/carriers/quic/quic-carrier-error';
import {
  connectionIdKey,
  isLongHeader,
  routingKeyOf,
} from '../../src/carriers/quic/quic-datagram-routing';
import { QuicRetryTokens } from '../../src/carriers/quic/quic-retry-token';
import {
  firstUniStreamId,
  isClientBidiStream,
  isInitiatedBy,
  streamKindOf,
} from '../../src/carriers/quic/quic-stream-id';
import { QUIC_CONNECTION_ID_BYTES } from '../../src/carriers/quic/quic-wire-constants';

const TOKEN_LIFETIME_MS = 10_000;

describe('QUIC carrier building blocks', () => {
  describe('retry tokens', () => {
    const odcid = Buffer.alloc(8, 0x0a);
    const retryScid = Buffer.alloc(QUIC_CONNECTION_ID_BYTES, 0x0b);

    it('round-trips the original DCID for the same address and retry id', () => {
      const tokens = new QuicRetryTokens(TOKEN_LIFETIME_MS);
      const token = tokens.mint('127.0.0.1', odcid, retryScid);
      expect(tokens.validate(token, '127.0.0.1', retryScid)).toEqual(odcid);
    });

    it('rejects another address, another DCID, tampering, expiry and foreign keys', () => {
      let now = 1_000_000;
      const tokens = new QuicRetryTokens(TOKEN_LIFETIME_MS, () => now);
      const token = tokens.mint('127.0.0.1', odcid, retryScid);
      expect(tokens.validate(token, '127.0.0.2', retryScid)).toBeUndefined();
      expect(tokens.validate(token, '127.0.0.1', Buffer.alloc(20, 0x0c))).toBeUndefined();
      const tampered = Buffer.from(token);
      tampered[10] ^= 0xff;
      expect(tokens.validate(tampered, '127.0.0.1', retryScid)).toBeUndefined();
      expect(tokens.validate(token.subarray(0, 12), '127.0.0.1', retryScid)).toBeUndefined();
      expect(new QuicRetryTokens(TOKEN_LIFETIME_MS).validate(token, '127.0.0.1', retryScid)).toBe(
        undefined,
      );
      now += TOKEN_LIFETIME_MS + 1;
      expect(tokens.validate(token, '127.0.0.1', retryScid)).toBeUndefined();
    });
  });

  describe('datagram routing', () => {
    it('reads the DCID of long and short headers', () => {
      const long = Buffer.from([0xc0, 0, 0, 0, 1, 3, 0xaa, 0xbb, 0xcc, 0, 0]);
      expect(isLongHeader(long)).toBe(true);
      expect(routingKeyOf(long)).toBe(connectionIdKey(Buffer.from([0xaa, 0xbb, 0xcc])));
      const cid = Buffer.alloc(QUIC_CONNECTION_ID_BYTES, 0x42);
      const short = Buffer.concat([Buffer.from([0x40]), cid, Buffer.alloc(30)]);
      expect(isLongHeader(short)).toBe(false);
      expect(routingKeyOf(short)).toBe(connectionIdKey(cid));
    });

    it('rejects truncated headers and oversized connection ids', () => {
      expect(routingKeyOf(Buffer.alloc(0))).toBeUndefined();
      expect(routingKeyOf(Buffer.from([0xc0, 0, 0, 0, 1]))).toBeUndefined();
      expect(routingKeyOf(Buffer.from([0xc0, 0, 0, 0, 1, 21, ...Buffer.alloc(30)]))).toBe(
        undefined,
      );
      expect(routingKeyOf(Buffer.from([0xc0, 0, 0, 0, 1, 8, 1, 2]))).toBeUndefined();
      expect(routingKeyOf(Buffer.alloc(QUIC_CONNECTION_ID_BYTES))).toBeUndefined();
    });
  });

  describe('stream ids', () => {
    it('classifies the four stream types', () => {
      expect([0, 1, 2, 3].map(streamKindOf)).toEqual(['bidi', 'bidi', 'uni', 'uni']);
      expect([0, 1, 2, 3].map((id) => isInitiatedBy(id, 'client'))).toEqual([
        true,
        false,
        true,
        false,
      ]);
      expect([0, 4, 1, 2, -4, 0.5].map(isClientBidiStream)).toEqual([
        true,
        true,
        false,
        false,
        false,
        false,
      ]);
      expect(firstUniStreamId('client')).toBe(2);
      expect(firstUniStreamId('server')).toBe(3);
    });
  });

  describe('error mapping', () => {
    it('parses quiche error names and stream codes', () => {
      expect(parseQuicheError(new Error('StreamReset(42)'))).toEqual({
        name: 'StreamReset',
        argument: 42,
      });
      expect(parseQuicheError({ message: 'TlsFail' })).toEqual({ name: 'TlsFail' });
      expect(parseQuicheError('weird text!')).toEqual({ name: 'weird text!' });
      expect(fromQuicheThrow(new Error('TlsFail'), 'ctx')).toMatchObject({
        kind: 'tls',
        quicheError: 'TlsFail',
      });
      expect(fromQuicheThrow(new Error('Bogus'), 'ctx').kind).toBe('internal');
    });

    it('maps CONNECTION_CLOSE codes to kinds, orderly closes to undefined', () => {
      const close = (isApp: boolean, errorCode: number, reason = '') => ({
        isApp,
        errorCode,
        reason: new Uint8Array(Buffer.from(reason)),
      });
      expect(fromConnectionClose(close(true, 0), 'peer')).toBeUndefined();
      expect(fromConnectionClose(close(false, 0), 'peer')).toBeUndefined();
      expect(fromConnectionClose(close(false, 0x178), 'peer')).toMatchObject({ kind: 'alpn' });
      expect(fromConnectionClose(close(false, 0x12a), 'local')).toMatchObject({
        kind: 'tls',
        origin: 'local',
      });
      expect(fromConnectionClose(close(false, 0x2, 'full'), 'peer')).toMatchObject({
        kind: 'refused',
        message: expect.stringContaining('full'),
      });
      expect(fromConnectionClose(close(false, 0xa), 'peer')).toMatchObject({ kind: 'transport' });
      const app = fromConnectionClose(close(true, 0x7), 'peer');
      expect(app).toBeInstanceOf(QuicCarrierError);
      expect(app).toMatchObject({ kind: 'peer-closed', code: 7, isApplication: true });
    });
  });
});
