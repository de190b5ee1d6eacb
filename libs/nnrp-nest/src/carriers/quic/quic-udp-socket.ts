import { createSocket, type Socket, type SocketType } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, isIPv6 } from 'node:net';
import { QuicCarrierError, quicheErrorMessage } from './quic-carrier-error';

/** What {@link openUdpSocket} binds. */
export interface UdpSocketSettings {
  /** IP literal to bind (resolve names first with {@link resolveHostAddress}). */
  readonly host: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  readonly sendBufferBytes: number;
}

const IPV4_UNSPECIFIED = '0.0.0.0';
const IPV6_UNSPECIFIED = '::';

type LookupCallback = (error: Error | null, address: string, family: number) => void;

/**
 * `dgram` resolves the destination of every `send` through `lookup`; the default (`dns.lookup`)
 * defers even IP literals to the next tick with a fresh closure. The carrier only ever sends to
 * IP literals, so this lookup answers synchronously and refuses names.
 */
function ipLiteralLookup(address: string, _family: unknown, callback: LookupCallback): void {
  const family = isIP(address);
  if (family === 0) {
    callback(new QuicCarrierError('socket', `not an IP address: ${address}`), address, 0);
    return;
  }
  callback(null, address, family);
}

/** Resolves a host name to one IP literal (IP literals pass through). */
export async function resolveHostAddress(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new QuicCarrierError('socket', `cannot resolve ${host}: ${quicheErrorMessage(error)}`, {
      cause: error,
    });
  }
}

/** The "any interface" address of the family of `address` (to bind a client socket). */
export function unspecifiedAddressFor(address: string): string {
  return isIPv6(address) ? IPV6_UNSPECIFIED : IPV4_UNSPECIFIED;
}

/** Binds a UDP socket with enlarged kernel buffers. */
export function openUdpSocket(settings: UdpSocketSettings): Promise<Socket> {
  const type: SocketType = isIPv6(settings.host) ? 'udp6' : 'udp4';
  const socket = createSocket({
    type,
    lookup: ipLiteralLookup,
    recvBufferSize: settings.receiveBufferBytes,
    sendBufferSize: settings.sendBufferBytes,
  });
  return new Promise<Socket>((resolve, reject) => {
    const onError = (error: Error): void => {
      socket.close();
      reject(
        new QuicCarrierError(
          'socket',
          `cannot bind UDP ${settings.host}:${settings.port}: ${error.message}`,
          { cause: error },
        ),
      );
    };
    socket.once('error', onError);
    socket.bind(settings.port, settings.host, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/** Connects a bound UDP socket to one peer (the client's only peer), so sends skip addressing. */
export function connectUdpSocket(socket: Socket, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new QuicCarrierError('socket', `cannot connect UDP to ${host}:${port}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    socket.once('error', onError);
    socket.connect(port, host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}
