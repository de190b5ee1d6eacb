/** The transports compared (the rows), each a server script and the client that drives it. */
import type { HandlerKind } from './workloads';

export type TransportId = 'raw-net' | 'nnrp-tcp' | 'nnrp-quic' | 'nest-tcp' | 'nest-grpc';

/** Which load client drives a transport. */
export type ClientKind = 'nnrp-tcp' | 'nnrp-quic' | 'nest-tcp' | 'grpc';

export interface TransportSpec {
  readonly id: TransportId;
  readonly title: string;
  /** Server script, relative to bench/ (started with support/bench-server-process). */
  readonly serverScript: string;
  readonly serverEnv: Readonly<Record<string, string>>;
  readonly client: ClientKind;
  /** Handlers the server has; the other workloads are left out for this row. */
  readonly handlers: readonly HandlerKind[];
  /** Chart colour. */
  readonly color: string;
}

const ALL: readonly HandlerKind[] = ['echo', 'model', 'stream', 'mixed'];

export const TRANSPORTS: readonly TransportSpec[] = [
  {
    id: 'raw-net',
    title: 'raw node:net (NNRP framing)',
    serverScript: 'tcp/raw-echo-server.ts',
    serverEnv: {},
    client: 'nnrp-tcp',
    // The physical limit only echoes: it is the reference for the same size and shape.
    handlers: ['echo'],
    color: '#7f7f7f',
  },
  {
    id: 'nnrp-tcp',
    title: 'NNRP over TCP',
    serverScript: 'tcp/nnrp-echo-server.ts',
    serverEnv: {},
    client: 'nnrp-tcp',
    handlers: ALL,
    color: '#1f77b4',
  },
  {
    id: 'nnrp-quic',
    title: 'NNRP over QUIC',
    serverScript: 'tcp/nnrp-echo-server.ts',
    serverEnv: { BENCH_CARRIER: 'quic' },
    client: 'nnrp-quic',
    handlers: ALL,
    color: '#17becf',
  },
  {
    id: 'nest-tcp',
    title: 'Nest TCP (JSON, base64)',
    serverScript: 'compare/nest-tcp-server.ts',
    serverEnv: {},
    client: 'nest-tcp',
    handlers: ALL,
    color: '#ff7f0e',
  },
  {
    id: 'nest-grpc',
    title: 'Nest gRPC (grpc-js)',
    serverScript: 'compare/nest-grpc-server.ts',
    serverEnv: {},
    client: 'grpc',
    handlers: ALL,
    color: '#9467bd',
  },
];

export function transportById(id: TransportId): TransportSpec {
  const spec = TRANSPORTS.find((t) => t.id === id);
  if (!spec) throw new Error(`unknown transport ${id}`);
  return spec;
}
