import { encodePacket, ErrorCode } from '@nest-nnrp/protocol';
import { AttackKind, AttackScript, Ending, ScriptWrite, whole } from './attack-script';
import { ConformanceSeeds } from './conformance-seeds';
import { lengthAtLimit, MutationContext, mutate, randomMetadata } from './mutators';
import { Rng } from './rng';
import {
  Handshake,
  handshakePacket,
  SEED_WEIGHTS,
  SeedKind,
  seedPacket,
  SeedSession,
  submitPacket,
} from './seed-packets';

/** How often each attack is picked. */
const ATTACK_WEIGHTS: Readonly<Record<AttackKind, number>> = {
  'vector-first': 6,
  'mutant-first': 10,
  'refused-first': 6,
  'session-mutants': 26,
  'garbage-after-handshake': 4,
  'length-limits': 10,
  'wrong-metadata': 10,
  reordered: 8,
  'tiny-flood': 8,
  'split-valid': 6,
  'foreign-session': 6,
};

/** Message types that are refused when they come first (PING, PONG and PROBE are allowed). */
const REFUSED_FIRST: readonly SeedKind[] = [
  'submit',
  'cancel',
  'patch',
  'migrate',
  'sessionClose',
  'flowUpdate',
  'cachePut',
  'cacheInvalidate',
  'cacheAck',
  'peerError',
  'close',
];

/** Session-scoped messages a server must refuse for a session of another connection. */
const SESSION_SCOPED: readonly SeedKind[] = [
  'submit',
  'cancel',
  'patch',
  'migrate',
  'sessionClose',
  'cachePut',
  'cacheInvalidate',
];

const MAX_FLOOD = 5000;
const MAX_BATCH = 64;
const MAX_FRAGMENT = 200;

type ScriptPlan = Omit<AttackScript, 'seed'>;

/** What the generator needs from the run: seeds, caps, and live sessions to aim at. */
export interface AttackGeneratorOptions {
  readonly seeds: ConformanceSeeds;
  readonly maxMetaLen: number;
  readonly maxBodyLen: number;
  /** Session ids of other connections (the control sessions) at this moment. */
  readonly foreignSessionIds: () => readonly number[];
}

/**
 * Builds random hostile connections from the conformance vectors and codec-built packets:
 * mutants, limit lengths, reorderings, floods, split writes, foreign session ids. Each script
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
    return { ...new ScriptFactory(new Rng(seed), this.options).create(), seed };
  }
}

/** Builds one script from its own random stream. */
class ScriptFactory {
  constructor(
    private readonly rng: Rng,
    private readonly options: AttackGeneratorOptions,
  ) {}

  create(): ScriptPlan {
    const kind = this.rng.weighted(ATTACK_WEIGHTS);
    switch (kind) {
      case 'vector-first':
        return this.first(kind, this.rng.pick(this.options.seeds.packets));
      case 'mutant-first': {
        const seed = this.rng.chance(0.5)
          ? handshakePacket(this.flow(), this.rng.u32())
          : this.rng.pick(this.options.seeds.packets);
        return this.first(kind, mutate(seed, this.rng, this.context([])).bytes);
      }
      case 'refused-first':
        return this.refusedFirst();
      case 'tiny-flood':
        return this.tinyFlood();
      case 'split-valid':
        return this.splitValid();
      case 'foreign-session':
        return this.foreignSession();
      default:
        return this.afterHandshake(kind);
    }
  }

  private flow(): Handshake {
    return this.rng.chance(0.5) ? 'hello' : 'open';
  }

  private ending(): Ending {
    return this.rng.weighted({ fin: 80, linger: 10, destroy: 10 });
  }

  private context(own: readonly number[]): MutationContext {
    return {
      maxMetaLen: this.options.maxMetaLen,
      maxBodyLen: this.options.maxBodyLen,
      sessionIds: [...own, ...this.options.foreignSessionIds(), 0, 1, 0xffffffff, this.rng.u32()],
      values: this.options.seeds.values,
    };
  }

  private handshake(flow: Handshake, fragments = false): ScriptPlan['handshake'] {
    const packet = handshakePacket(flow, 0);
    return { flow, writes: fragments ? this.fragments(packet, 1) : [whole(packet)] };
  }

  /** A script whose first bytes are not a valid handshake. */
  private first(kind: AttackKind, bytes: Buffer): ScriptPlan {
    const trailer = this.rng.chance(0.3)
      ? [whole(seedPacket('ping', session(0, 'open'), this.rng))]
      : [];
    return { kind, build: () => [whole(bytes), ...trailer], ending: this.ending() };
  }

  /** A valid message that is not a handshake, sent first: refused with ERROR invalid_state. */
  private refusedFirst(): ScriptPlan {
    const kind = this.rng.pick(REFUSED_FIRST);
    const packet = seedPacket(kind, session(this.rng.range(1, 8), 'open'), this.rng);
    return {
      kind: 'refused-first',
      build: () => [whole(packet)],
      ending: 'fin',
      mustRefuse: { code: ErrorCode.InvalidState, fatal: true },
    };
  }

  /** Handshake, then a kind-specific body (mutants, garbage, limits, wrong metadata, orderings). */
  private afterHandshake(kind: AttackKind): ScriptPlan {
    const flow = this.flow();
    return {
      kind,
      handshake: this.handshake(flow),
      build: (sessionId) => this.body(kind, session(sessionId, flow)),
      ending: this.ending(),
    };
  }

  private body(kind: AttackKind, own: SeedSession): ScriptWrite[] {
    const rng = this.rng;
    const context = this.context([own.sessionId]);
    switch (kind) {
      case 'garbage-after-handshake':
        return [whole(rng.bytes(rng.range(1, 4096)))];
      case 'length-limits': {
        const before = this.seeds(own, rng.int(4)).map((p) => whole(p));
        const victim = lengthAtLimit(this.seed(own), rng, context);
        const after = this.seeds(own, rng.int(3)).map((p) => whole(p));
        return [...before, whole(victim), ...after];
      }
      case 'wrong-metadata':
        return [whole(this.wrongMetadata(own)), whole(this.seed(own))];
      case 'reordered':
        return [whole(...rng.shuffle(this.seeds(own, rng.range(5, 30))))];
      default: {
        // session-mutants: valid session traffic, each packet mutated with some probability.
        const packets = this.seeds(own, rng.range(5, 60)).map((p) =>
          rng.chance(0.3) ? mutate(p, rng, context).bytes : p,
        );
        return packets.map((p) => whole(p));
      }
    }
  }

  /** A header of the right type for a conformance metadata vector, or random metadata. */
  private wrongMetadata(own: SeedSession): Buffer {
    const rng = this.rng;
    if (rng.chance(0.5)) {
      const seed = rng.pick(this.options.seeds.metadata);
      const messageType = rng.chance(0.8) ? seed.messageType : rng.range(1, 0x21);
      return encodePacket(
        { messageType, sessionId: own.sessionId, frameId: own.nextFrameId++ },
        seed.metadata,
      );
    }
    return randomMetadata(this.seed(own), rng);
  }

  /** Many tiny packets in small writes; PING-only floods must all be answered. */
  private tinyFlood(): ScriptPlan {
    const rng = this.rng;
    const flow = this.flow();
    const count = rng.range(200, MAX_FLOOD);
    const pingsOnly = rng.chance(0.7);
    return {
      kind: 'tiny-flood',
      handshake: this.handshake(flow),
      build: (sessionId) => {
        const own = session(sessionId, flow);
        const packets = Array.from({ length: count }, () =>
          seedPacket(pingsOnly ? 'ping' : rng.pick(['ping', 'pong', 'cancel'] as const), own, rng),
        );
        const writes: ScriptWrite[] = [];
        for (let at = 0; at < packets.length;) {
          const batch = packets.slice(at, at + rng.range(1, MAX_BATCH));
          writes.push(whole(...batch));
          at += batch.length;
        }
        return writes;
      },
      ending: pingsOnly ? 'fin' : this.ending(),
      expect: pingsOnly ? { clean: true, pongs: count, frames: 0 } : undefined,
    };
  }

  /** Valid pings and echo submits, cut at random byte boundaries (handshake included). */
  private splitValid(): ScriptPlan {
    const rng = this.rng;
    const flow = this.flow();
    const plan = Array.from({ length: rng.range(5, 40) }, () => rng.chance(0.5));
    const pongs = plan.filter((ping) => ping).length;
    return {
      kind: 'split-valid',
      handshake: this.handshake(flow, true),
      build: (sessionId) => {
        const own = session(sessionId, flow);
        const packets = plan.map((ping) =>
          ping ? seedPacket('ping', own, rng) : submitPacket(own, rng),
        );
        return this.fragments(Buffer.concat(packets), packets.length);
      },
      ending: 'fin',
      expect: { clean: true, pongs, frames: plan.length - pongs },
    };
  }

  /** A session-scoped packet naming another connection's session, then a PING. */
  private foreignSession(): ScriptPlan {
    const rng = this.rng;
    const flow = this.flow();
    const foreign = this.options.foreignSessionIds();
    const kind = rng.pick(SESSION_SCOPED);
    return {
      kind: 'foreign-session',
      handshake: this.handshake(flow),
      build: (sessionId) => {
        const target = foreign.filter((id) => id !== sessionId);
        const victim = session(target.length > 0 ? rng.pick(target) : sessionId + 1, flow);
        return [whole(seedPacket(kind, victim, rng)), whole(seedPacket('ping', victim, rng))];
      },
      ending: 'fin',
      // Open-flow connections are closed (fatal); hello-flow ones get a session-scope ERROR.
      mustRefuse: { code: ErrorCode.InvalidState, fatal: flow === 'open' },
    };
  }

  private seed(own: SeedSession): Buffer {
    if (this.rng.chance(0.1)) {
      const vector = this.rng.pick(this.options.seeds.metadata);
      return encodePacket(
        { messageType: vector.messageType, sessionId: own.sessionId },
        vector.metadata,
      );
    }
    return seedPacket(this.rng.weighted(SEED_WEIGHTS), own, this.rng);
  }

  private seeds(own: SeedSession, count: number): Buffer[] {
    return Array.from({ length: count }, () => this.seed(own));
  }

  /** `bytes` cut into random fragments (sometimes byte by byte); the first carries the count. */
  private fragments(bytes: Buffer, packets: number): ScriptWrite[] {
    const rng = this.rng;
    const max = rng.chance(0.2) ? 1 : rng.range(1, MAX_FRAGMENT);
    const writes: ScriptWrite[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = Math.min(bytes.length - at, rng.range(1, max));
      writes.push({ bytes: bytes.subarray(at, at + size), packets: at === 0 ? packets : 0 });
      at += size;
    }
    return writes;
  }
}

function session(sessionId: number, flow: Handshake): SeedSession {
  return { sessionId, flow, nextFrameId: 1 };
}
