import { AttackKind } from './attack-script';
import { FUZZ_HANDSHAKE_TIMEOUT_MS, FUZZ_IDLE_TIMEOUT_MS } from './fuzz-server-options';
import { RAW_CARRIERS, RawCarrier } from './raw-wire';

/** What a fuzz run does and where it stops. */
export interface FuzzConfig {
  /** Packets to send (`FUZZ_PACKETS`). */
  readonly packets: number;
  /** Hostile connections open at once (`FUZZ_CONNECTIONS`). */
  readonly connections: number;
  /** Time bound in seconds (`FUZZ_SECONDS`): the run stops at whichever comes first. */
  readonly seconds: number;
  /** Seed of every random choice (`FUZZ_SEED`). */
  readonly seed: number;
  /** Server RSS above this is a finding (`FUZZ_RSS_CEILING_MB`). */
  readonly rssCeilingMb: number;
  /** How long a handshake ack or the answers of well-formed traffic may take. */
  readonly answerMs: number;
  /** A connection still open this long after the client is done is a hang (`FUZZ_HANG_MS`). */
  readonly hangMs: number;
  /** Attack kinds left out (`FUZZ_SKIP`, comma-separated), e.g. to get past a known crash. */
  readonly skip: readonly AttackKind[];
  /**
   * Carriers the hostile connections use, in turn (`FUZZ_CARRIERS`, comma-separated: `tcp`,
   * `quic-bidi`, `quic-uni`); the control sessions use every carrier the server has.
   */
  readonly carriers: readonly RawCarrier[];
}

/** Default seed: fixed, so two runs without `FUZZ_SEED` send the same bytes. */
const DEFAULT_SEED = 0x5eed1;
/** Time the server's own timeouts need, plus a wide margin for a loaded 2-core machine. */
const DEFAULT_HANG_MS = Math.max(FUZZ_HANDSHAKE_TIMEOUT_MS, FUZZ_IDLE_TIMEOUT_MS) + 5000;

export const DEFAULT_FUZZ_CONFIG: FuzzConfig = {
  packets: 1_000_000,
  connections: 32,
  seconds: 600,
  seed: DEFAULT_SEED,
  rssCeilingMb: 512,
  answerMs: 5000,
  hangMs: DEFAULT_HANG_MS,
  skip: [],
  carriers: RAW_CARRIERS,
};

/** The defaults, overridden by the `FUZZ_*` environment variables that are set. */
export function fuzzConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  defaults: FuzzConfig = DEFAULT_FUZZ_CONFIG,
): FuzzConfig {
  const number = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw} is not a number`);
    return value;
  };
  return {
    packets: number('FUZZ_PACKETS', defaults.packets),
    connections: Math.max(1, number('FUZZ_CONNECTIONS', defaults.connections)),
    seconds: number('FUZZ_SECONDS', defaults.seconds),
    seed: number('FUZZ_SEED', defaults.seed),
    rssCeilingMb: number('FUZZ_RSS_CEILING_MB', defaults.rssCeilingMb),
    answerMs: number('FUZZ_ANSWER_MS', defaults.answerMs),
    hangMs: number('FUZZ_HANG_MS', defaults.hangMs),
    skip: env.FUZZ_SKIP
      ? (env.FUZZ_SKIP.split(',').map((kind) => kind.trim()) as AttackKind[])
      : defaults.skip,
    carriers: env.FUZZ_CARRIERS ? carriersOf(env.FUZZ_CARRIERS) : defaults.carriers,
  };
}

function carriersOf(list: string): RawCarrier[] {
  const carriers = list.split(',').map((name) => name.trim());
  for (const carrier of carriers) {
    if (!RAW_CARRIERS.includes(carrier as RawCarrier)) {
      throw new Error(`FUZZ_CARRIERS: unknown carrier ${carrier} (${RAW_CARRIERS.join(', ')})`);
    }
  }
  return carriers as RawCarrier[];
}
