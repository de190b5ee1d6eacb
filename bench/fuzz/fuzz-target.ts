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
  readonly port: number;
  /** Rejects when the server does not answer in time. */
  stats(): Promise<ServerStats>;
  /** Why the server died, if it did. */
  crashed(): string | undefined;
}
