import { AttackKind, AttackScript } from './attack-script';
import { ConformanceSeeds } from './conformance-seeds';
import { RawCarrier } from './raw-wire';
import { Rng } from './rng';
import { ScriptFactory } from './script-factory';

/** What the generator needs from the run: seeds, caps, and live sessions to aim at. */
export interface AttackGeneratorOptions {
  readonly seeds: ConformanceSeeds;
  /** Attack kinds never picked. */
  readonly skip?: readonly AttackKind[];
  readonly maxMetaLen: number;
  readonly maxBodyLen: number;
  /** Session ids of other connections (the control sessions) at this moment. */
  readonly foreignSessionIds: () => readonly number[];
  /** Carriers to spread the connections over (default TCP only). */
  readonly carriers?: readonly RawCarrier[];
}

/**
 * Builds random hostile connections from the conformance vectors and codec-built packets:
 * mutants, limit lengths, reorderings, floods, split writes, foreign session ids, over every
 * carrier asked for. Each script
 * draws from its own {@link Rng}, seeded from the run's: a finding names the seed that replays
 * it, however the concurrent connections interleave.
 */
export class AttackGenerator {
  private readonly master: Rng;

  constructor(
    seed: number,
    private readonly options: AttackGeneratorOptions,
  ) {
    this.master = new Rng(seed);
  }

  /** The next script, and the seed that rebuilds it with {@link AttackGenerator.replay}. */
  next(): AttackScript {
    return this.replay(this.master.u32());
  }

  replay(seed: number): AttackScript {
    const carriers = this.options.carriers ?? ['tcp'];
    // From the seed alone, so a replay uses the carrier the run used.
    const carrier = carriers[seed % carriers.length];
    return { ...new ScriptFactory(new Rng(seed), this.options).create(), seed, carrier };
  }
}
