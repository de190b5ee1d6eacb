import { RawCarrier } from './raw-wire';

/** Server-side figures the fuzzer samples during a run. */
export interface ServerStats {
  /** Current resident set size, bytes. */
  readonly rss: number;
  /** Highest RSS the server saw (sampled by the server itself), bytes. */
  readonly peakRss: number;
  readonly heapUsed: number;
  /** Bytes held by Buffers and ArrayBuffers. */
  readonly arrayBuffers: number;
  /** Connections the engine has open. */
  readonly connections: number;
}

/** The server under fuzz: a child process (`npm run fuzz`) or an in-process app (jest). */
export interface FuzzTarget {
  /** The server's TCP port (a restarted server may listen on another). */
  readonly port: number;
  /** The server's QUIC listener and its certificate, when it has one. */
  readonly quic?: { readonly port: number; readonly ca: string };
  /**
   * Rejects when the server does not answer in time. `collect` runs a full GC first, so heap
   * and buffer figures are what is still referenced (leak checks).
   */
  stats(collect?: boolean): Promise<ServerStats>;
  /** Why the server died, if it did (until it is restarted). */
  crashed(): string | undefined;
  /** Starts a fresh server after a crash; absent when the target cannot (in-process). */
  restart?(): Promise<void>;
  /**
   * False when the server shares its heap with the fuzzer (in-process): its retained memory then
   * includes the fuzzer's own records, so the leak check is left to the separate-process run.
   */
  readonly ownHeap?: boolean;
}

/** Where a connection over `carrier` goes on `target` right now. */
export interface FuzzEndpoint {
  readonly carrier: RawCarrier;
  readonly port: number;
  /** QUIC: the certificate to trust. */
  readonly ca?: string;
}

/** The endpoint of `carrier` on `target`; throws when the target does not serve QUIC. */
export function endpointOf(target: FuzzTarget, carrier: RawCarrier): FuzzEndpoint {
  if (carrier === 'tcp') return { carrier, port: target.port };
  const quic = target.quic;
  if (quic === undefined) throw new Error(`the fuzz target has no QUIC listener for ${carrier}`);
  return { carrier, port: quic.port, ca: quic.ca };
}
