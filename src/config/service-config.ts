import { EsrganScale } from '../model';

/**
 * Configuration of the example service, from environment variables (documented in the README).
 * Read through `@nestjs/config`'s `ConfigService`; these are the parsed, typed values.
 */
export interface ServiceConfig {
  /** NNRP_HOST: interface the NNRP listeners bind (default 0.0.0.0). */
  readonly nnrpHost: string;
  /** NNRP_TCP_PORT (default 4433). */
  readonly tcpPort: number;
  /** NNRP_QUIC_PORT (default 4434; `off` disables QUIC). */
  readonly quicPort: number | undefined;
  /** NNRP_QUIC_CERT / NNRP_QUIC_KEY: PEM files; without them a dev certificate is generated. */
  readonly quicCertFile: string | undefined;
  readonly quicKeyFile: string | undefined;
  /** HTTP_HOST / HTTP_PORT for /health and /metrics (default 0.0.0.0:3000). */
  readonly httpHost: string;
  readonly httpPort: number;
  /** NNRP_AUTH_SECRET: enables the HMAC token policy on both handshakes. */
  readonly authSecret: string | undefined;
  /** MODEL_SCALES: comma-separated scales to load (default "2,4"). */
  readonly scales: EsrganScale[];
  /** MODEL_THREADS: onnxruntime intra-op threads (default 2). */
  readonly modelThreads: number;
  /** NNRP_MAX_IN_FLIGHT: frames in flight per session (default 8). */
  readonly maxInFlight: number;
  /** PARTIAL_BATCH_TILES: tiles per partial result of a many-tile frame (default 4). */
  readonly partialBatchTiles: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer`);
  return value;
}

/** Parses the environment; throws a clear error for a bad value (at start-up, not later). */
export function parseServiceConfig(env: Env): ServiceConfig {
  const scales = (env.MODEL_SCALES ?? '2,4').split(',').map((s) => Number(s.trim()));
  for (const scale of scales) {
    if (scale !== 2 && scale !== 4) throw new Error('MODEL_SCALES may list 2 and 4 only');
  }
  const quic = env.NNRP_QUIC_PORT;
  return {
    nnrpHost: env.NNRP_HOST ?? '0.0.0.0',
    tcpPort: int(env, 'NNRP_TCP_PORT', 4433),
    quicPort: quic === 'off' ? undefined : int(env, 'NNRP_QUIC_PORT', 4434),
    quicCertFile: env.NNRP_QUIC_CERT || undefined,
    quicKeyFile: env.NNRP_QUIC_KEY || undefined,
    httpHost: env.HTTP_HOST ?? '0.0.0.0',
    httpPort: int(env, 'HTTP_PORT', 3000),
    authSecret: env.NNRP_AUTH_SECRET || undefined,
    scales: scales as EsrganScale[],
    modelThreads: int(env, 'MODEL_THREADS', 2),
    maxInFlight: int(env, 'NNRP_MAX_IN_FLIGHT', 8),
    partialBatchTiles: Math.max(1, int(env, 'PARTIAL_BATCH_TILES', 4)),
  };
}

/** Injection token of the parsed {@link ServiceConfig}. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
