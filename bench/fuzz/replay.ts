import { AttackGenerator } from './attack-generator';
import { AttackOutcome, runAttack } from './attack-runner';
import { loadConformanceSeeds } from './conformance-seeds';
import { FuzzConfig } from './fuzz-config';
import { FUZZ_MAX_BODY_BYTES, FUZZ_MAX_META_LEN } from './fuzz-server-options';
import { endpointOf, FuzzTarget } from './fuzz-target';

/** Time a crash gets to show after the replayed connection ended. */
const CRASH_GRACE_MS = 1000;

/** What replaying one script did. */
export interface ReplayResult {
  readonly outcome: AttackOutcome;
  readonly crash: string | undefined;
}

/**
 * Runs the one script a finding names (`FUZZ_REPLAY=<seed>`) against a fresh server: the
 * bytes are the same as in the run (foreign-session attacks aim at no control session here).
 */
export async function replayScript(
  target: FuzzTarget,
  config: FuzzConfig,
  seed: number,
): Promise<ReplayResult> {
  const generator = new AttackGenerator(config.seed, {
    seeds: loadConformanceSeeds(),
    maxMetaLen: FUZZ_MAX_META_LEN,
    maxBodyLen: FUZZ_MAX_BODY_BYTES,
    foreignSessionIds: () => [],
    carriers: config.carriers,
  });
  const script = generator.replay(seed);
  const outcome = await runAttack(endpointOf(target, script.carrier), script, {
    answerMs: config.answerMs,
    hangMs: config.hangMs,
  });
  await new Promise((resolve) => setTimeout(resolve, CRASH_GRACE_MS));
  return { outcome, crash: target.crashed() };
}
