import { parseArgs } from 'node:util';
import type { EsrganScale } from '../model/esrgan-model.options';
import { MAX_TILE_SIZE, MAX_TILES_PER_FRAME } from '../upscale/upscale-frame-shape';
import { parseHostPort } from './host-port';

/** Smallest tile side the service accepts (`UpscaleFrameShape.tileWidth`). */
const MIN_TILE_SIZE = 8;
/** `latency_budget_ms` is a u16 on the wire. */
const MAX_BUDGET_MS = 0xffff;
/** A sanity cap: the service's default per-session limit is 8 and it says so at open. */
const MAX_IN_FLIGHT = 1024;
/** Where `npm start` listens by default (service-config.ts). */
const DEFAULT_TCP = '127.0.0.1:4433';

/** Where the CLI connects, as given on the command line (files not read yet). */
export type CliTarget =
  | { readonly carrier: 'tcp'; readonly host: string; readonly port: number }
  | {
      readonly carrier: 'quic';
      readonly host: string;
      readonly port: number;
      /** PEM file of a CA (or the server's self-signed certificate) to trust. */
      readonly caFile: string | undefined;
      /** Skip certificate verification (the service's generated dev certificate). */
      readonly insecure: boolean;
    };

/** The parsed command line of `npm run upscale`. */
export interface UpscaleCliArguments {
  readonly input: string;
  readonly output: string;
  readonly scale: EsrganScale;
  readonly target: CliTarget;
  /** HMAC secret shared with the service (NNRP_AUTH_SECRET). */
  readonly token: string | undefined;
  readonly tileSize: number;
  readonly tilesPerFrame: number;
  readonly inFlight: number;
  /** Per-frame `latency_budget_ms`; 0 = none. */
  readonly budgetMs: number;
  /** Resubmissions of a dropped frame's missing tiles before giving up. */
  readonly retries: number;
}

/** `--help` output. */
export const UPSCALE_USAGE = `Usage: npm run upscale -- <in.png> <out.png> [options]

Upscales a PNG with the NNRP super-resolution service (ESRGAN-slim).

Options:
  --scale 2|4            upscale factor (header route_id)                  [2]
  --tcp host:port        connect over TCP                                  [${DEFAULT_TCP}]
  --quic host:port       connect over QUIC instead
  --ca file.pem          QUIC: trust this CA / server certificate
  --insecure             QUIC: skip certificate verification (dev certificate)
  --token SECRET         HMAC secret of the service (NNRP_AUTH_SECRET)
  --tile N               tile side in pixels, ${MIN_TILE_SIZE}..${MAX_TILE_SIZE}                       [64]
  --tiles-per-frame N    tiles per FRAME_SUBMIT                            [1]
  --in-flight N          frames in flight (capped by the server's limit)   [8]
  --budget-ms N          per-frame latency budget, 0 = none                [0]
  --retries N            resubmit a dropped frame's tiles up to N times    [1]
  -h, --help             show this help
`;

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`--${name} must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return value;
}

function target(values: {
  tcp?: string;
  quic?: string;
  ca?: string;
  insecure?: boolean;
}): CliTarget {
  if (values.tcp !== undefined && values.quic !== undefined) {
    throw new Error('give either --tcp or --quic, not both');
  }
  if (values.quic === undefined) {
    if (values.ca !== undefined || values.insecure) {
      throw new Error('--ca and --insecure apply to --quic only');
    }
    return { carrier: 'tcp', ...parseHostPort(values.tcp ?? DEFAULT_TCP) };
  }
  return {
    carrier: 'quic',
    ...parseHostPort(values.quic),
    caFile: values.ca,
    insecure: values.insecure ?? false,
  };
}

/**
 * Parses the CLI's arguments (without `node` and the script). Returns `help` for `--help`;
 * throws an `Error` whose message is fit for the terminal on a bad command line.
 */
export function parseUpscaleArguments(argv: readonly string[]): UpscaleCliArguments | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      scale: { type: 'string', default: '2' },
      tcp: { type: 'string' },
      quic: { type: 'string' },
      ca: { type: 'string' },
      insecure: { type: 'boolean' },
      token: { type: 'string' },
      tile: { type: 'string', default: '64' },
      'tiles-per-frame': { type: 'string', default: '1' },
      'in-flight': { type: 'string', default: '8' },
      'budget-ms': { type: 'string', default: '0' },
      retries: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 2) {
    throw new Error(`expected <in.png> <out.png>, got ${positionals.length} file argument(s)`);
  }
  if (values.scale !== '2' && values.scale !== '4') {
    throw new Error(`--scale must be 2 or 4, got "${values.scale}"`);
  }
  if (values.token === '') throw new Error('--token must not be empty');
  return {
    input: positionals[0],
    output: positionals[1],
    scale: values.scale === '2' ? 2 : 4,
    target: target(values),
    token: values.token,
    tileSize: integer('tile', values.tile, MIN_TILE_SIZE, MAX_TILE_SIZE),
    tilesPerFrame: integer('tiles-per-frame', values['tiles-per-frame'], 1, MAX_TILES_PER_FRAME),
    inFlight: integer('in-flight', values['in-flight'], 1, MAX_IN_FLIGHT),
    budgetMs: integer('budget-ms', values['budget-ms'], 0, MAX_BUDGET_MS),
    retries: integer('retries', values.retries, 0, 100),
  };
}
