import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { createSocket } from 'node:dgram';

/**
 * A hand-built QUIC v1 client Initial (RFC 9000 §17.2.2, RFC 9001 §5) carrying a TLS 1.3
 * ClientHello with a chosen ALPN list, or none. quiche's BoringSSL cannot produce a QUIC
 * ClientHello without ALPN, yet such clients exist (decisions.md §17); this probe lets the
 * tests check how the server treats them. It decrypts the server's first Initial and reports
 * either its CONNECTION_CLOSE or that the handshake went on (a CRYPTO frame).
 */

/** What the server answered to the probe. */
export type InitialProbeOutcome =
  | { readonly kind: 'closed'; readonly errorCode: number }
  | { readonly kind: 'handshake-continues' };

/** Probe parameters. */
export interface InitialProbeOptions {
  /** ALPN protocols to offer; `null` leaves the extension out. */
  readonly alpn: readonly string[] | null;
  readonly serverName: string;
  /** Give up when nothing decisive arrived (generous: the test timeout is the real bound). */
  readonly replyTimeoutMs: number;
}

const QUIC_V1 = 0x00000001;
const INITIAL_SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
const HASH = 'sha256';
const SECRET_BYTES = 32;
const AEAD_KEY_BYTES = 16;
const AEAD_IV_BYTES = 12;
const AEAD_TAG_BYTES = 16;
const HP_KEY_BYTES = 16;
const HP_SAMPLE_BYTES = 16;
const HP_SAMPLE_OFFSET = 4;
const CONNECTION_ID_BYTES = 8;
const PACKET_NUMBER_BYTES = 4;
const MIN_INITIAL_DATAGRAM_BYTES = 1200;
const LONG_HEADER_INITIAL_FIRST_BYTE = 0xc0;
const LONG_HEADER_TYPE_MASK = 0x30;
const LONG_HEADER_TYPE_INITIAL = 0x00;
const LONG_HEADER_PN_LENGTH_MASK = 0x03;
const LONG_HEADER_PROTECTED_BITS = 0x0f;
const TWO_BYTE_VARINT_PREFIX = 0x4000;

const FRAME_PADDING = 0x00;
const FRAME_PING = 0x01;
const FRAME_ACK = 0x02;
const FRAME_ACK_ECN = 0x03;
const FRAME_CRYPTO = 0x06;
const FRAME_CONNECTION_CLOSE_TRANSPORT = 0x1c;
const ACK_ECN_COUNTS = 3;

const TLS_HANDSHAKE_CLIENT_HELLO = 0x01;
const TLS_LEGACY_VERSION = 0x0303;
const TLS_VERSION_1_3 = 0x0304;
const TLS_AES_128_GCM_SHA256 = 0x1301;
const TLS_RANDOM_BYTES = 32;
const EXT_SERVER_NAME = 0x0000;
const EXT_SUPPORTED_GROUPS = 0x000a;
const EXT_SIGNATURE_ALGORITHMS = 0x000d;
const EXT_ALPN = 0x0010;
const EXT_SUPPORTED_VERSIONS = 0x002b;
const EXT_KEY_SHARE = 0x0033;
const EXT_QUIC_TRANSPORT_PARAMETERS = 0x0039;
const SERVER_NAME_TYPE_HOST = 0x00;
const GROUP_X25519 = 0x001d;
const SIG_ECDSA_P256_SHA256 = 0x0403;
const SIG_RSA_PSS_RSAE_SHA256 = 0x0804;
const SIG_RSA_PKCS1_SHA256 = 0x0401;
const TP_INITIAL_SOURCE_CONNECTION_ID = 0x0f;
const X25519_PUBLIC_KEY_BYTES = 32;

interface PacketKeys {
  readonly key: Buffer;
  readonly iv: Buffer;
  readonly hp: Buffer;
}

/** Sends one hand-built Initial to `host:port` and reports the server's reaction. */
export function probeInitial(
  host: string,
  port: number,
  options: InitialProbeOptions,
): Promise<InitialProbeOutcome> {
  const dcid = randomBytes(CONNECTION_ID_BYTES);
  const scid = randomBytes(CONNECTION_ID_BYTES);
  const initialSecret = createHmac(HASH, INITIAL_SALT_V1).update(dcid).digest();
  const clientKeys = packetKeys(expandLabel(initialSecret, 'client in', SECRET_BYTES));
  const serverKeys = packetKeys(expandLabel(initialSecret, 'server in', SECRET_BYTES));
  const datagram = protectInitial(clientKeys, dcid, scid, clientHello(scid, options));

  const socket = createSocket('udp4');
  return new Promise<InitialProbeOutcome>((resolve, reject) => {
    const finish = (outcome: InitialProbeOutcome | Error): void => {
      clearTimeout(timer);
      socket.close();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new Error('no decisive answer to the Initial probe')),
      options.replyTimeoutMs,
    );
    socket.on('message', (reply: Buffer) => {
      const outcome = readServerInitial(serverKeys, reply);
      if (outcome !== undefined) finish(outcome);
    });
    socket.on('error', (error) => finish(error));
    socket.send(datagram, port, host);
  });
}

function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([
    u16(length),
    Buffer.from([fullLabel.length]),
    fullLabel,
    Buffer.from([0]), // empty context
  ]);
  // HKDF-Expand for a single block (length <= hash size): T(1) = HMAC(PRK, info | 0x01).
  return createHmac(HASH, secret)
    .update(Buffer.concat([info, Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

function packetKeys(secret: Buffer): PacketKeys {
  return {
    key: expandLabel(secret, 'quic key', AEAD_KEY_BYTES),
    iv: expandLabel(secret, 'quic iv', AEAD_IV_BYTES),
    hp: expandLabel(secret, 'quic hp', HP_KEY_BYTES),
  };
}

function headerProtectionMask(hp: Buffer, sample: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ecb', hp, null);
  cipher.setAutoPadding(false);
  return cipher.update(sample);
}

function nonceFor(iv: Buffer, packetNumber: number): Buffer {
  const nonce = Buffer.from(iv);
  const offset = nonce.length - PACKET_NUMBER_BYTES;
  nonce.writeUInt32BE((nonce.readUInt32BE(offset) ^ packetNumber) >>> 0, offset);
  return nonce;
}

function protectInitial(keys: PacketKeys, dcid: Buffer, scid: Buffer, hello: Buffer): Buffer {
  const crypto = Buffer.concat([Buffer.from([FRAME_CRYPTO, 0]), varint2(hello.length), hello]);
  const headerWithoutLength = Buffer.concat([
    Buffer.from([LONG_HEADER_INITIAL_FIRST_BYTE | (PACKET_NUMBER_BYTES - 1)]),
    u32(QUIC_V1),
    Buffer.from([dcid.length]),
    dcid,
    Buffer.from([scid.length]),
    scid,
    Buffer.from([0]), // token length
  ]);
  const lengthFieldBytes = 2;
  const overhead = headerWithoutLength.length + lengthFieldBytes + PACKET_NUMBER_BYTES;
  const payloadLength = Math.max(
    crypto.length,
    MIN_INITIAL_DATAGRAM_BYTES - overhead - AEAD_TAG_BYTES,
  );
  const payload = Buffer.concat([crypto, Buffer.alloc(payloadLength - crypto.length)]);
  const packetNumber = 0;
  const header = Buffer.concat([
    headerWithoutLength,
    varint2(PACKET_NUMBER_BYTES + payload.length + AEAD_TAG_BYTES),
    u32(packetNumber),
  ]);
  const cipher = createCipheriv('aes-128-gcm', keys.key, nonceFor(keys.iv, packetNumber));
  cipher.setAAD(header);
  const sealed = Buffer.concat([cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
  const packet = Buffer.concat([header, sealed]);
  const pnOffset = header.length - PACKET_NUMBER_BYTES;
  const sampleOffset = pnOffset + HP_SAMPLE_OFFSET;
  const mask = headerProtectionMask(
    keys.hp,
    packet.subarray(sampleOffset, sampleOffset + HP_SAMPLE_BYTES),
  );
  packet[0] ^= mask[0] & LONG_HEADER_PROTECTED_BITS;
  for (let i = 0; i < PACKET_NUMBER_BYTES; i++) packet[pnOffset + i] ^= mask[1 + i];
  return packet;
}

function clientHello(scid: Buffer, options: InitialProbeOptions): Buffer {
  const { publicKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const keyShare = Buffer.from(jwk.x ?? '', 'base64url');
  if (keyShare.length !== X25519_PUBLIC_KEY_BYTES) throw new Error('bad x25519 key');

  const name = Buffer.from(options.serverName);
  const extensions: Buffer[] = [
    extension(
      EXT_SERVER_NAME,
      vector16(Buffer.concat([Buffer.from([SERVER_NAME_TYPE_HOST]), vector16(name)])),
    ),
    extension(EXT_SUPPORTED_GROUPS, vector16(u16(GROUP_X25519))),
    extension(
      EXT_SIGNATURE_ALGORITHMS,
      vector16(
        Buffer.concat([
          u16(SIG_ECDSA_P256_SHA256),
          u16(SIG_RSA_PSS_RSAE_SHA256),
          u16(SIG_RSA_PKCS1_SHA256),
        ]),
      ),
    ),
    extension(EXT_SUPPORTED_VERSIONS, vector8(u16(TLS_VERSION_1_3))),
    extension(EXT_KEY_SHARE, vector16(Buffer.concat([u16(GROUP_X25519), vector16(keyShare)]))),
    extension(
      EXT_QUIC_TRANSPORT_PARAMETERS,
      Buffer.concat([Buffer.from([TP_INITIAL_SOURCE_CONNECTION_ID, scid.length]), scid]),
    ),
  ];
  if (options.alpn !== null) {
    const protocols = options.alpn.map((protocol) => vector8(Buffer.from(protocol)));
    extensions.push(extension(EXT_ALPN, vector16(Buffer.concat(protocols))));
  }
  const body = Buffer.concat([
    u16(TLS_LEGACY_VERSION),
    randomBytes(TLS_RANDOM_BYTES),
    Buffer.from([0]), // legacy_session_id: empty (QUIC forbids middlebox compatibility mode)
    vector16(u16(TLS_AES_128_GCM_SHA256)),
    Buffer.from([1, 0]), // legacy_compression_methods: null only
    vector16(Buffer.concat(extensions)),
  ]);
  return Buffer.concat([Buffer.from([TLS_HANDSHAKE_CLIENT_HELLO]), u24(body.length), body]);
}

/** Decrypts the first packet of a server datagram if it is an Initial; reads its frames. */
function readServerInitial(keys: PacketKeys, datagram: Buffer): InitialProbeOutcome | undefined {
  const packet = Buffer.from(datagram);
  if ((packet[0] & LONG_HEADER_TYPE_MASK) !== LONG_HEADER_TYPE_INITIAL) return undefined;
  const reader = new Reader(packet, 1 + 4);
  reader.skip(reader.byte()); // dcid
  reader.skip(reader.byte()); // scid
  reader.skip(reader.varint()); // token
  const length = reader.varint();
  const pnOffset = reader.offset;
  const sampleOffset = pnOffset + HP_SAMPLE_OFFSET;
  const mask = headerProtectionMask(
    keys.hp,
    packet.subarray(sampleOffset, sampleOffset + HP_SAMPLE_BYTES),
  );
  packet[0] ^= mask[0] & LONG_HEADER_PROTECTED_BITS;
  const pnLength = (packet[0] & LONG_HEADER_PN_LENGTH_MASK) + 1;
  let packetNumber = 0;
  for (let i = 0; i < pnLength; i++) {
    packet[pnOffset + i] ^= mask[1 + i];
    packetNumber = packetNumber * 256 + packet[pnOffset + i];
  }
  const header = packet.subarray(0, pnOffset + pnLength);
  const end = pnOffset + length;
  const sealed = packet.subarray(pnOffset + pnLength, end - AEAD_TAG_BYTES);
  const decipher = createDecipheriv('aes-128-gcm', keys.key, nonceFor(keys.iv, packetNumber));
  decipher.setAAD(header);
  decipher.setAuthTag(packet.subarray(end - AEAD_TAG_BYTES, end));
  const frames = new Reader(Buffer.concat([decipher.update(sealed), decipher.final()]), 0);
  let sawCrypto = false;
  while (!frames.done) {
    const type = frames.varint();
    if (type === FRAME_PADDING || type === FRAME_PING) continue;
    if (type === FRAME_ACK || type === FRAME_ACK_ECN) {
      frames.varint(); // largest acknowledged
      frames.varint(); // ack delay
      const ranges = frames.varint();
      frames.varint(); // first range
      for (let i = 0; i < ranges * 2; i++) frames.varint();
      if (type === FRAME_ACK_ECN) for (let i = 0; i < ACK_ECN_COUNTS; i++) frames.varint();
      continue;
    }
    if (type === FRAME_CRYPTO) {
      frames.varint(); // offset
      frames.skip(frames.varint());
      sawCrypto = true;
      continue;
    }
    if (type === FRAME_CONNECTION_CLOSE_TRANSPORT) {
      return { kind: 'closed', errorCode: frames.varint() };
    }
    break; // a frame this probe does not parse: stop, judge by what was seen
  }
  return sawCrypto ? { kind: 'handshake-continues' } : undefined;
}

class Reader {
  constructor(
    private readonly bytes: Buffer,
    public offset: number,
  ) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  byte(): number {
    return this.bytes[this.offset++];
  }

  skip(count: number): void {
    this.offset += count;
  }

  varint(): number {
    const first = this.bytes[this.offset];
    const length = 1 << (first >> 6);
    let value = first & 0x3f;
    for (let i = 1; i < length; i++) value = value * 256 + this.bytes[this.offset + i];
    this.offset += length;
    return value;
  }
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}

function u24(value: number): Buffer {
  const out = Buffer.alloc(3);
  out.writeUIntBE(value, 0, 3);
  return out;
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

function varint2(value: number): Buffer {
  return u16(TWO_BYTE_VARINT_PREFIX | value);
}

function vector8(content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([content.length]), content]);
}

function vector16(content: Buffer): Buffer {
  return Buffer.concat([u16(content.length), content]);
}

function extension(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), vector16(data)]);
}
