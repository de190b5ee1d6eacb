/** The comparison's gRPC contract (bench.proto) as both sides see it. */
import { resolve } from 'node:path';

export const PROTO_PATH = resolve(__dirname, 'bench.proto');
export const PROTO_PACKAGE = 'nnrpbench';
export const PROTO_SERVICE = 'Bench';

/** Per-message limit on both sides: grpc-js refuses anything over 4 MiB by default. */
export const GRPC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The `Frame` message (proto-loader hands `bytes` fields over as Buffers). */
export interface GrpcFrame {
  body: Buffer;
  slow?: boolean;
}

/** RPC names, one per handler. */
export const GRPC_METHOD = {
  echo: 'Echo',
  model: 'Model',
  stream: 'Stream',
  mixed: 'Mixed',
} as const;

/** Narrows a decoded `Frame` at the proto boundary. */
export function asGrpcFrame(value: unknown): GrpcFrame {
  if (typeof value === 'object' && value !== null && 'body' in value) {
    const { body, slow } = value as { body: unknown; slow?: unknown };
    if (Buffer.isBuffer(body)) return { body, slow: slow === true };
  }
  throw new Error('gRPC frame without a bytes body');
}
