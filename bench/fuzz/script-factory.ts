import { encodePacket, ErrorCode, MessageType } from '@nest-nnrp/protocol';
import { AttackKind, AttackScript, Ending, ScriptWrite, whole } from './attack-script';
import type { AttackGeneratorOptions } from './attack-generator';
import { lengthAtLimit, MutationContext, mutate, randomMetadata } from './mutators';
import { FuzzRoute } from './fuzz-controller';
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
  'stalled-reader': 2,
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

/** Every known message type (metadata of one behind the header of another). */
const MESSAGE_TYPES = Object.values(MessageType).filter(
  (value): value is MessageType => typeof value === 'number',
);

const MAX_FLOOD = 2000;
const MAX_BATCH = 64;
const MAX_FRAGMENT = 200;

/** A script before its seed is attached. */
export type ScriptPlan = Omit<AttackScript, 'seed' | 'carrier'>;

/**
 * Builds one hostile connection from its own random stream: which attack, which handshake,
 * which packets (codec-built, vector or mutant), how they are cut into writes, how it ends.
 */
export class ScriptFactory {
  constructor(
    private readonly rng: Rng,
    private readonly options: AttackGeneratorOptions,
  ) {}

  create(): ScriptPlan {
    const kind = this.rng.weighted(this.weights());
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
      case 'stalled-reader':
        return this.stalledReader();
      default:
        return this.afterHandshake(kind);
    }
  }

  private weights(): Record<AttackKind, number> {
    const weights = { ...ATTACK_WEIGHTS };
    for (const kind of this.options.skip ?? []) {
      if (!(kind in weights)) throw new Error(`unknown attack kind ${kind}`);
      weights[kind] = 0;
    }
    return weights;
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
        const packets = this.seeds(own, rng.range(5, 200)).map((p) =>
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
      const messageType = rng.chance(0.8) ? seed.messageType : rng.pick(MESSAGE_TYPES);
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

  /**
   * Stops reading and keeps submitting slow echoes with bodies near the cap, at about the pace
   * the session's in-flight limit lets through: results pile up in the kernel, then in the
   * server's write queue, until backpressure and the hard limit take over.
   */
  private stalledReader(): ScriptPlan {
    const rng = this.rng;
    const count = rng.range(100, 300);
    const bodyBytes = this.options.maxBodyLen - rng.int(1024);
    const paceMs = rng.range(8, 15);
    return {
      kind: 'stalled-reader',
      handshake: this.handshake('open'),
      build: (sessionId) => {
        const own = session(sessionId, 'open');
        const body = rng.bytes(bodyBytes);
        return Array.from({ length: count }, () => ({
          ...whole(submitPacket(own, rng, body, FuzzRoute.sleep)),
          pauseMs: paceMs,
        }));
      },
      stallMs: rng.range(100, 300),
      ending: rng.chance(0.5) ? 'destroy' : 'fin',
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
