import type { QuicheConnectionError } from './quiche-binding';
import {
  QUIC_CRYPTO_ERROR_FIRST,
  QUIC_CRYPTO_ERROR_LAST,
  QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL,
  QUIC_TRANSPORT_CONNECTION_REFUSED,
  QUIC_TRANSPORT_NO_ERROR,
} from './quic-wire-constants';

/**
 * What went wrong, coarse enough to act on:
 * - `binding`: the native quiche binding could not be loaded.
 * - `config`: invalid options, certificate or key.
 * - `socket`: the UDP socket failed.
 * - `tls`: the TLS handshake failed (certificate, signature, ...).
 * - `alpn`: no common application protocol (the peer does not speak `nnrp/1`).
 * - `refused`: the server refused the connection (connection limit).
 * - `handshake-timeout`: the handshake did not complete in time.
 * - `idle-timeout`: nothing was received for the negotiated idle timeout.
 * - `peer-closed`: the peer closed with a non-zero application error code.
 * - `transport`: a QUIC transport error (protocol violation, flow control, ...).
 * - `stream-limit`: the peer does not allow another stream yet.
 * - `stream-state`: a stream was used in a way its state forbids.
 * - `internal`: an unexpected quiche failure or a handler that threw.
 */
export type QuicCarrierErrorKind =
  | 'binding'
  | 'config'
  | 'socket'
  | 'tls'
  | 'alpn'
  | 'refused'
  | 'handshake-timeout'
  | 'idle-timeout'
  | 'peer-closed'
  | 'transport'
  | 'stream-limit'
  | 'stream-state'
  | 'internal';

/** Which side raised a connection error. */
export type QuicErrorOrigin = 'local' | 'peer';

/** Extra facts attached to a {@link QuicCarrierError}. */
export interface QuicCarrierErrorDetails {
  /** QUIC error code (transport or application) when one is known. */
  readonly code?: number;
  /** Whether {@link code} is an application error code (CONNECTION_CLOSE type 0x1d). */
  readonly isApplication?: boolean;
  readonly origin?: QuicErrorOrigin;
  /** The quiche error name as the binding reported it, e.g. `TlsFail`. */
  readonly quicheError?: string;
  readonly cause?: unknown;
}

/** Every failure the QUIC carrier reports is one of these, with a {@link QuicCarrierErrorKind}. */
export class QuicCarrierError extends Error {
  override readonly name = 'QuicCarrierError';
  readonly kind: QuicCarrierErrorKind;
  readonly code?: number;
  readonly isApplication?: boolean;
  readonly origin?: QuicErrorOrigin;
  readonly quicheError?: string;

  constructor(kind: QuicCarrierErrorKind, message: string, details: QuicCarrierErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.code = details.code;
    this.isApplication = details.isApplication;
    this.origin = details.origin;
    this.quicheError = details.quicheError;
  }
}

/** Maps a quiche error name (without its argument) to the kind it belongs to. */
const QUICHE_ERROR_KINDS: Readonly<Record<string, QuicCarrierErrorKind>> = {
  TlsFail: 'tls',
  CryptoFail: 'tls',
  StreamLimit: 'stream-limit',
  InvalidStreamState: 'stream-state',
  StreamStopped: 'stream-state',
  StreamReset: 'stream-state',
  FinalSize: 'transport',
  FlowControl: 'transport',
  InvalidFrame: 'transport',
  InvalidPacket: 'transport',
  InvalidState: 'transport',
  InvalidTransportParam: 'transport',
  UnknownVersion: 'transport',
  CongestionControl: 'transport',
  IdLimit: 'transport',
  OutOfIdentifiers: 'transport',
  KeyUpdate: 'transport',
  CryptoBufferExceeded: 'transport',
  BufferTooShort: 'internal',
};

/** Matches `Name` or `Name(argument)` as the binding formats quiche errors. */
const QUICHE_ERROR_PATTERN = /^([A-Za-z]+)(?:\((\d{1,16})\))?$/;

/** A quiche error message split into its name and optional numeric argument. */
export interface ParsedQuicheError {
  readonly name: string;
  readonly argument?: number;
}

/**
 * Reads the message of something the binding threw. Errors may come from another realm, so this
 * duck-types instead of using `instanceof Error`.
 */
export function quicheErrorMessage(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    const { message } = thrown;
    if (typeof message === 'string') return message;
  }
  return String(thrown);
}

/** Parses a quiche error message such as `StreamReset(7)`; unknown shapes keep the raw text. */
export function parseQuicheError(thrown: unknown): ParsedQuicheError {
  const message = quicheErrorMessage(thrown);
  const match = QUICHE_ERROR_PATTERN.exec(message);
  if (match === null) return { name: message };
  const argument = match[2] === undefined ? undefined : Number(match[2]);
  return { name: match[1], argument };
}

/** Wraps something quiche threw into a typed error, keeping the quiche name and the cause. */
export function fromQuicheThrow(thrown: unknown, context: string): QuicCarrierError {
  const parsed = parseQuicheError(thrown);
  const kind = QUICHE_ERROR_KINDS[parsed.name] ?? 'internal';
  return new QuicCarrierError(kind, `${context}: quiche ${quicheErrorMessage(thrown)}`, {
    quicheError: parsed.name,
    cause: thrown,
  });
}

/** Kind of a transport (non-application) CONNECTION_CLOSE code. */
function transportErrorKind(code: number): QuicCarrierErrorKind {
  if (code === QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL) return 'alpn';
  if (code >= QUIC_CRYPTO_ERROR_FIRST && code <= QUIC_CRYPTO_ERROR_LAST) return 'tls';
  if (code === QUIC_TRANSPORT_CONNECTION_REFUSED) return 'refused';
  return 'transport';
}

/**
 * Turns a CONNECTION_CLOSE reported by quiche into a typed error, or `undefined` for an orderly
 * close (application or transport code 0).
 */
export function fromConnectionClose(
  close: QuicheConnectionError,
  origin: QuicErrorOrigin,
): QuicCarrierError | undefined {
  if (close.errorCode === QUIC_TRANSPORT_NO_ERROR) return undefined;
  const reason = Buffer.from(close.reason.buffer, close.reason.byteOffset, close.reason.byteLength)
    .toString('utf8')
    .trim();
  const who = origin === 'peer' ? 'peer closed the connection' : 'connection closed locally';
  const codeText = `0x${close.errorCode.toString(16)}`;
  const suffix = reason.length > 0 ? `: ${reason}` : '';
  if (close.isApp) {
    const kind: QuicCarrierErrorKind = origin === 'peer' ? 'peer-closed' : 'internal';
    return new QuicCarrierError(kind, `${who} with application error ${codeText}${suffix}`, {
      code: close.errorCode,
      isApplication: true,
      origin,
    });
  }
  return new QuicCarrierError(
    transportErrorKind(close.errorCode),
    `${who} with transport error ${codeText}${suffix}`,
    { code: close.errorCode, isApplication: false, origin },
  );
}

/** Normalises anything thrown by application code into an `Error`. */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new QuicCarrierError('internal', quicheErrorMessage(thrown), { cause: thrown });
}
