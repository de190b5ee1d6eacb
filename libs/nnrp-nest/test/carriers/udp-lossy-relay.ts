import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** Impairments applied by {@link UdpLossyRelay}, per datagram and per direction. */
export interface UdpLossyRelayOptions {
  /** Where datagrams from clients go. */
  readonly targetHost: string;
  readonly targetPort: number;
  /** Share of datagrams silently dropped, in [0, 1). */
  readonly lossRate: number;
  /** Share of (surviving) datagrams held back so later ones overtake them, in [0, 1). */
  readonly reorderRate: number;
  /** How long a held-back datagram waits. */
  readonly reorderDelayMs: number;
  /** PRNG seed: the same seed drops and delays the same positions of the datagram sequence. */
  readonly seed: number;
}

/** What the relay did, for assertions that the impairment really happened. */
export interface UdpLossyRelayStats {
  readonly forwarded: number;
  readonly dropped: number;
  readonly reordered: number;
}

/** One client seen by the relay, with its own upstream socket so the server sees distinct peers. */
interface RelayedPeer {
  readonly upstream: Socket;
  readonly address: string;
  readonly port: number;
}

/** mulberry32 constants (a small, well-mixed 32-bit PRNG; determinism matters, not quality). */
const PRNG_INCREMENT = 0x6d2b79f5;
const PRNG_SHIFT_A = 15;
const PRNG_SHIFT_B = 7;
const PRNG_SHIFT_C = 14;
const PRNG_MULTIPLIER_OR = 61;
const UINT32_RANGE = 4_294_967_296;

/**
 * A UDP relay on 127.0.0.1 that drops and reorders a configurable share of datagrams in both
 * directions, to test loss recovery of the QUIC carrier without root privileges (no netem).
 */
export class UdpLossyRelay {
  private readonly front: Socket;
  private readonly peers = new Map<string, RelayedPeer>();
  private readonly held = new Set<NodeJS.Timeout>();
  private prngState: number;
  private forwarded = 0;
  private dropped = 0;
  private reordered = 0;
  private closed = false;

  private constructor(
    private readonly options: UdpLossyRelayOptions,
    front: Socket,
  ) {
    this.front = front;
    this.prngState = options.seed >>> 0;
    front.on('message', (datagram, remote) => this.fromClient(datagram, remote));
  }

  /** Binds the relay on an ephemeral 127.0.0.1 port. */
  static async start(options: UdpLossyRelayOptions): Promise<UdpLossyRelay> {
    const front = createSocket('udp4');
    await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
    return new UdpLossyRelay(options, front);
  }

  /** The port clients should connect to. */
  get port(): number {
    return this.front.address().port;
  }

  get stats(): UdpLossyRelayStats {
    return { forwarded: this.forwarded, dropped: this.dropped, reordered: this.reordered };
  }

  /** Drops held datagrams and closes every socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.held) clearTimeout(timer);
    this.held.clear();
    const sockets = [this.front, ...[...this.peers.values()].map((peer) => peer.upstream)];
    await Promise.all(
      sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
    );
  }

  private fromClient(datagram: Buffer, remote: RemoteInfo): void {
    const key = `${remote.address}:${remote.port}`;
    let peer = this.peers.get(key);
    if (peer === undefined) {
      const upstream = createSocket('udp4');
      const created: RelayedPeer = { upstream, address: remote.address, port: remote.port };
      upstream.on('message', (reply) =>
        this.impair(() => this.front.send(reply, created.port, created.address)),
      );
      upstream.bind(0, '127.0.0.1');
      this.peers.set(key, created);
      peer = created;
    }
    const upstream = peer.upstream;
    this.impair(() => upstream.send(datagram, this.options.targetPort, this.options.targetHost));
  }

  private impair(forward: () => void): void {
    if (this.closed) return;
    if (this.random() < this.options.lossRate) {
      this.dropped++;
      return;
    }
    this.forwarded++;
    if (this.random() < this.options.reorderRate) {
      this.reordered++;
      const timer = setTimeout(() => {
        this.held.delete(timer);
        if (!this.closed) forward();
      }, this.options.reorderDelayMs);
      this.held.add(timer);
      return;
    }
    forward();
  }

  /** mulberry32: uniform in [0, 1). */
  private random(): number {
    this.prngState = (this.prngState + PRNG_INCREMENT) >>> 0;
    let t = this.prngState;
    t = Math.imul(t ^ (t >>> PRNG_SHIFT_A), t | 1);
    t ^= t + Math.imul(t ^ (t >>> PRNG_SHIFT_B), t | PRNG_MULTIPLIER_OR);
    return ((t ^ (t >>> PRNG_SHIFT_C)) >>> 0) / UINT32_RANGE;
  }
}
