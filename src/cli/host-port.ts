/** A server address given on the command line. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const MAX_PORT = 65_535;

/**
 * Parses `host:port`, `[ipv6]:port` or a bare `port` (then `defaultHost`). Throws a message fit
 * for the command line on anything else.
 */
export function parseHostPort(value: string, defaultHost = '127.0.0.1'): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port < 1 || port > MAX_PORT) {
    throw new Error(`expected host:port, [ipv6]:port or a port number, got "${value}"`);
  }
  return { host: match[1] || match[2] || defaultHost, port };
}
