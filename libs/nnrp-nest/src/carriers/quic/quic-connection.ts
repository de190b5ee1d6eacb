import { performance } from 'node:perf_hooks';
import type {
  CarrierConnection,
  CarrierConnectionHandler,
  InboundStream,
  UniStreamOrdering,
} from '../carrier-connection';
import {
  QuicCarrierError,
  asError,
  fromConnectionClose,
  fromQuicheThrow,
  parseQuicheError,
} from './quic-carrier-error';
import type { ResolvedQuicTransportOptions } from './quic-options';
import { QuicOutboundStream } from './quic-outbound-stream';
import {
  FIRST_CLIENT_BIDI_STREAM_ID,
  STREAM_ID_STEP,
  firstUniStreamId,
  isClientBidiStream,
  isInitiatedBy,
  streamKindOf,
  type QuicRole,
} from './quic-stream-id';
import type { QuicTurnParticipant, QuicTurnScheduler } from './quic-turn-scheduler';
import {
  NNRP_QUIC_CLOSE_INTERNAL_ERROR,
  NNRP_QUIC_CLOSE_NO_ERROR,
  NNRP_QUIC_STREAM_CANCELLED,
  QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL,
  QUIC_MAX_CLOSE_REASON_BYTES,
} from './quic-wire-constants';
import type {
  QuicNative,
  QuicheConnection,
  QuicheHostPort,
  QuicheRecvInfo,
} from './quiche-binding';

/** What a connection needs from the endpoint that owns its socket. */
export interface QuicConnectionHost {
  readonly native: QuicNative;
  readonly scheduler: QuicTurnScheduler;
  /** The socket's local address, as quiche saw it at accept/connect time. */
  readonly localAddress: QuicheHostPort;
  /** The one reusable buffer quiche writes outgoing packets into. */
  readonly sendBuffer: Buffer;
  /** The one reusable buffer stream data is read into before being copied out. */
  readonly readBuffer: Buffer;
  /** Puts `buffer[0, length)` on the wire; must copy it (the buffer is reused). */
  transmit(buffer: Buffer, length: number, to: QuicheHostPort): void;
  /** The handshake finished and the ALPN matched: the connection may carry NNRP. */
  connectionOpened(connection: QuicConnection): void;
  /** The connection closed before it opened. */
  connectionFailed(connection: QuicConnection, error: QuicCarrierError): void;
  /** quiche is done with the connection; release routing state. */
  connectionFinished(connection: QuicConnection): void;
}

/** Per-connection settings derived from the carrier or client options. */
export interface QuicConnectionSettings {
  readonly role: QuicRole;
  readonly alpn: string;
  readonly transport: ResolvedQuicTransportOptions;
  /**
   * Keep the quiche connection after CONNECTION_CLOSE until quiche says it is closed (closing /
   * draining periods, RFC 9000 §10.2), so late packets of the peer are absorbed instead of
   * looking like new connections. Servers do; a client owns its socket and can just drop it.
   */
  readonly lingerAfterClose: boolean;
}

/** Default `end()` grace: enough for the last packets to be acknowledged on a sane path. */
export const DEFAULT_QUIC_END_GRACE_MS = 1_000;
/**
 * How long `end()` waits at most for the peer to take what is queued before the grace period
 * starts anyway: a peer that stopped reading (flow control closed) must not hold an ending
 * connection open (the TCP carrier's bound is its grace alone: the kernel buffers the rest).
 */
export const QUIC_END_FLUSH_LIMIT_MS = 2_000;
/** At most this many packets per connection per turn; the rest waits one turn (fairness). */
const SEND_BATCH_MAX_PACKETS = 256;
/** quiche reports whole milliseconds (rounded down); firing 1 ms late avoids a no-op wake-up. */
const TIMER_ROUNDING_MS = 1;
/** Low-water marks are this share of the high-water marks: no flapping around one threshold. */
const LOW_WATER_FRACTION = 0.5;
/** Empty close reason. */
const NO_REASON = Buffer.alloc(0);

type Phase = 'handshake' | 'open' | 'closing' | 'finished';

interface InboundStreamState {
  readonly stream: InboundStream;
}

interface PendingUniWrite {
  readonly parts: readonly Buffer[];
  readonly bytes: number;
  /** The ordering key that tracks the stream once it is opened (an ordered write). */
  readonly orderedBy?: OrderedUniKey;
}

/** A write held back by {@link UniStreamOrdering.afterAcknowledged}. */
interface HeldUniWrite {
  readonly parts: readonly Buffer[];
  readonly bytes: number;
  readonly ordering: UniStreamOrdering;
}

/**
 * The state of one {@link UniStreamOrdering} key. It exists only while the key has streams not
 * yet acknowledged or writes held back, so memory follows what is in flight.
 */
interface OrderedUniKey {
  readonly key: number | string;
  /** Opened streams of the key not yet seen acknowledged, oldest first. */
  readonly unacked: number[];
  /** Writes of the key in `pendingUni`, waiting for peer stream credit (no stream id yet). */
  awaitingCredit: number;
  /** Writes waiting for the earlier streams of the key to be acknowledged, in write order. */
  readonly held: HeldUniWrite[];
}

let nextConnectionNumber = 1;

/**
 * One QUIC connection driven directly through quiche, on either side. Implements the carrier
 * contract for the server (`QuicCarrier`) and the client (`connectQuic`).
 *
 * Work happens in {@link runTurn}, at most once per event-loop turn plus once per timer expiry:
 * complete the handshake, read readable streams into the handler, push queued writes into quiche,
 * drain `conn.send()` to the socket, detect closure, re-arm the single timer.
 *
 * A handler callback that throws closes the connection with an `internal` error (reported to
 * `onClosed`) instead of taking the other connections of the socket down with it.
 */
export class QuicConnection implements CarrierConnection, QuicTurnParticipant {
  readonly carrier = 'quic' as const;
  readonly supportsUniStreams = true;
  readonly id: string;
  readonly role: QuicRole;

  private phase: Phase = 'handshake';
  private opened = false;
  private handler: CarrierConnectionHandler | undefined;
  private readingPaused = false;
  private userClosed = false;
  private closedLocally = false;
  private closeError: Error | undefined;
  private closeNotified = false;
  private inTurn = false;

  private ending = false;
  private endGraceMs = DEFAULT_QUIC_END_GRACE_MS;
  private graceDeadline = Number.POSITIVE_INFINITY;
  /** When an ending connection closes whatever is still queued (see QUIC_END_FLUSH_LIMIT_MS). */
  private endDeadline = Number.POSITIVE_INFINITY;
  private readonly handshakeDeadline: number;

  private readonly inbound = new Map<number, InboundStreamState>();
  /** Streams given up with `abortStream`: whatever still arrives on them is discarded. */
  private readonly abortedStreams = new Set<number>();
  private highestClientBidiSeen = -1;
  private readonly outbound = new Map<number, QuicOutboundStream>();
  private readonly blocked = new Set<QuicOutboundStream>();
  private pendingUni: PendingUniWrite[] = [];
  private nextUniStreamId: number;
  /** Uni streams whose FIN is in quiche, oldest first, until quiche collects them (all ACKed). */
  private readonly unackedUni: number[] = [];
  /** Bidi streams whose FIN is in quiche, until quiche collects them. */
  private readonly unackedBidi = new Set<number>();
  /** Ordered uni writes (see {@link writeOnNewUniStream}), by key. */
  private readonly orderedUni = new Map<number | string, OrderedUniKey>();
  /** Writes held in `orderedUni`, all keys together (their bytes count in `buffered`). */
  private heldUniWrites = 0;
  /** Writes held until every earlier uni stream is acknowledged (`afterAllStreams`), in order. */
  private lastWordUni: HeldUniWrite[] = [];
  private buffered = 0;
  private needsDrain = false;

  private finishWaiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private readonly recvInfo: QuicheRecvInfo;

  constructor(
    private readonly conn: QuicheConnection,
    private readonly host: QuicConnectionHost,
    private readonly settings: QuicConnectionSettings,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {
    this.role = settings.role;
    this.id = `quic-${settings.role}-${nextConnectionNumber++}`;
    this.nextUniStreamId = firstUniStreamId(settings.role);
    this.handshakeDeadline = performance.now() + settings.transport.handshakeTimeoutMs;
    this.recvInfo = { from: { host: remoteAddress, port: remotePort }, to: host.localAddress };
  }

  /** Bytes accepted by `write*` that quiche has not taken yet (quiche's own buffers excluded). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  get closed(): boolean {
    return this.userClosed || this.phase === 'closing' || this.phase === 'finished';
  }

  /** Whether quiche has released the connection (no more packets, no timer). */
  get finished(): boolean {
    return this.phase === 'finished';
  }

  /**
   * Resolves once quiche has released the connection: after `onClosed` and, on the server, after
   * the closing/draining period. A client's socket is closed by then.
   */
  whenFinished(): Promise<void> {
    if (this.phase === 'finished') return Promise.resolve();
    return new Promise<void>((resolve) => this.finishWaiters.push(resolve));
  }

  attach(handler: CarrierConnectionHandler): void {
    this.handler = handler;
    if (this.phase === 'finished') {
      // No turn will run any more; still report the close, asynchronously like every callback.
      setImmediate(() => this.notifyClosed());
      return;
    }
    this.schedule();
  }

  /**
   * See {@link CarrierConnection.write}. `streamId` defaults to the client's first bidi stream.
   * Throws a `stream-state` {@link QuicCarrierError} for ids that are not client bidi streams
   * or, on the server, streams the client has not opened yet (programming errors).
   */
  write(parts: readonly Buffer[], streamId: number = FIRST_CLIENT_BIDI_STREAM_ID): boolean {
    if (!isClientBidiStream(streamId)) {
      throw new QuicCarrierError(
        'stream-state',
        `write() targets client bidirectional streams; ${streamId} is not one`,
      );
    }
    if (this.closed || this.phase !== 'open') return false;
    if (this.role === 'server' && streamId > this.highestClientBidiSeen) {
      throw new QuicCarrierError('stream-state', `the client has not opened stream ${streamId}`);
    }
    let stream = this.outbound.get(streamId);
    if (stream === undefined) {
      stream = new QuicOutboundStream(streamId);
      this.outbound.set(streamId, stream);
    }
    // A stream the peer stopped takes nothing more; the bytes are dropped like TCP would after
    // a RST, and the caller learns about it from the connection's fate, not from here.
    if (stream.isDead) return true;
    this.buffered += stream.enqueue(parts);
    this.flushStream(stream);
    this.schedule();
    return this.acceptsMore(stream);
  }

  /**
   * See {@link CarrierConnection.writeOnNewUniStream}. A stream with `ordering.afterAcknowledged`
   * is opened once quiche has collected every earlier stream of its key (all data and FIN
   * acknowledged by the peer); until then its bytes wait here.
   */
  writeOnNewUniStream(parts: readonly Buffer[], ordering?: UniStreamOrdering): boolean {
    if (this.closed || this.phase !== 'open') return false;
    if (ordering?.afterAllStreams) return this.holdLastWord(parts, ordering);
    if (ordering !== undefined) return this.writeOrderedUniStream(parts, ordering);
    const stream = this.startUniStream(parts);
    this.schedule();
    return this.acceptsMore(stream);
  }

  /** Opens a uni stream for `parts` now, or queues them until the peer grants stream credit. */
  private startUniStream(parts: readonly Buffer[]): QuicOutboundStream | undefined {
    if (this.pendingUni.length === 0 && this.conn.peerStreamsLeftUni() > 0) {
      return this.openUniStream(parts);
    }
    // Out of stream credit: keep the request until the peer's MAX_STREAMS arrives.
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    this.pendingUni.push({ parts: [...parts], bytes });
    this.buffered += bytes;
    return undefined;
  }

  /**
   * Finishes the write side of a bidirectional stream (beyond the carrier contract; the QUIC
   * counterpart of a TCP half-close): what is queued goes first, then FIN. Reading goes on, so
   * the peer can still answer on the stream. Later writes to the stream are dropped.
   */
  finishStream(streamId: number = FIRST_CLIENT_BIDI_STREAM_ID): void {
    if (this.closed || this.phase !== 'open' || this.unackedBidi.has(streamId)) return;
    let stream = this.outbound.get(streamId);
    if (stream === undefined) {
      stream = new QuicOutboundStream(streamId);
      this.outbound.set(streamId, stream);
    }
    stream.requestFin();
    this.flushStream(stream);
    this.schedule();
  }

  /**
   * Abandons one stream in both directions (beyond the carrier contract; for cancellation):
   * RESET_STREAM for the local write side, STOP_SENDING for the read side, with `code`. Queued
   * bytes of the stream are dropped; no further callbacks arrive for it.
   */
  abortStream(streamId: number, code: number = NNRP_QUIC_STREAM_CANCELLED): void {
    if (this.phase !== 'open') return;
    const local = isInitiatedBy(streamId, this.role);
    const bidi = streamKindOf(streamId) === 'bidi';
    const { Read, Write } = this.host.native.shutdown;
    if (bidi || local) this.shutdownStream(streamId, Write, code);
    if (bidi || !local) this.shutdownStream(streamId, Read, code);
    const stream = this.outbound.get(streamId);
    if (stream !== undefined) {
      this.buffered -= stream.drop();
      this.blocked.delete(stream);
      this.outbound.delete(streamId);
    }
    this.inbound.delete(streamId);
    this.abortedStreams.add(streamId);
    this.schedule();
  }

  pauseReading(): void {
    this.readingPaused = true;
  }

  resumeReading(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.schedule();
  }

  end(graceMs: number = DEFAULT_QUIC_END_GRACE_MS): void {
    if (this.closed) return;
    this.userClosed = true;
    if (this.phase !== 'open') {
      this.closeGracefully();
      return;
    }
    this.ending = true;
    this.endGraceMs = Math.max(0, graceMs);
    this.endDeadline = performance.now() + QUIC_END_FLUSH_LIMIT_MS + this.endGraceMs;
    // Finish every write side the peer may wait on: streams written to and client bidi streams
    // still open towards us.
    for (const id of this.inbound.keys()) {
      if (isClientBidiStream(id) && !this.outbound.has(id)) {
        this.outbound.set(id, new QuicOutboundStream(id));
      }
    }
    for (const stream of this.outbound.values()) {
      stream.requestFin();
      this.flushStream(stream);
    }
    this.schedule();
  }

  destroy(error?: Error): void {
    if (this.phase === 'closing' || this.phase === 'finished') return;
    this.userClosed = true;
    this.closeQuiche(
      error === undefined ? NNRP_QUIC_CLOSE_NO_ERROR : NNRP_QUIC_CLOSE_INTERNAL_ERROR,
      error?.message ?? '',
    );
    this.enterClosing(error);
    this.schedule();
  }

  /** Feeds one datagram from the peer to quiche; the reaction waits for this turn's end. */
  receive(datagram: Buffer, address: string, port: number): void {
    if (this.phase === 'finished') return;
    const from = this.recvInfo.from;
    if (from.port !== port || from.host !== address) {
      // NAT rebinding: quiche validates the new path; later sends follow its SendInfo.
      this.recvInfo.from = { host: address, port };
    }
    try {
      this.conn.recv(datagram, this.recvInfo);
    } catch {
      // quiche drops undecryptable or duplicate packets by itself; a fatal problem sets
      // `localError` and shows up as closing in this turn.
    }
    this.schedule();
  }

  /** Drives the connection once; see the class comment. */
  runTurn(): void {
    if (this.phase === 'finished') return;
    this.inTurn = true;
    try {
      if (this.phase === 'handshake') this.checkHandshake();
      if (this.phase === 'open') this.processOpen();
      this.drainSend();
      this.checkClosure();
    } catch (error) {
      this.failInternally(error);
    } finally {
      this.inTurn = false;
    }
    this.notifyClosed();
    this.armTimer();
  }

  /** Schedules a turn (no-op inside one: the running turn drains what was just written). */
  private schedule(): void {
    if (this.phase === 'finished' || this.inTurn) return;
    this.host.scheduler.schedule(this);
  }

  private shutdownStream(streamId: number, direction: number, code: number): void {
    try {
      this.conn.streamShutdown(streamId, direction, code);
    } catch {
      // Never opened, already finished or collected: nothing to abort in that direction.
    }
  }

  private checkHandshake(): void {
    if (!this.conn.isEstablished()) return;
    // The peer's whole flight and its CONNECTION_CLOSE can arrive in one burst (a refusing
    // server sends both); such a connection never opens, the closure check reports why.
    if (this.conn.isDraining() || this.conn.isClosed()) return;
    const negotiated = Buffer.from(this.conn.applicationProto()).toString('latin1');
    if (negotiated !== this.settings.alpn) {
      // BoringSSL already enforces this on the server; the check keeps both roles honest.
      this.closedLocally = true;
      this.conn.close(false, QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL, NO_REASON);
      this.enterClosing(
        new QuicCarrierError(
          'alpn',
          `peer negotiated ALPN "${negotiated}", expected "${this.settings.alpn}"`,
          { code: QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL, origin: 'local' },
        ),
      );
      return;
    }
    this.phase = 'open';
    this.opened = true;
    this.host.connectionOpened(this);
  }

  private processOpen(): void {
    if (this.handler !== undefined && !this.readingPaused && this.conn.isReadable()) {
      this.readInbound();
    }
    if (this.phase !== 'open') return;
    this.flushBlocked();
    this.openPendingUniStreams();
    if (this.orderedUni.size > 0) this.releaseOrderedUniStreams();
    this.releaseAckedUniStreams();
    if (this.lastWordUni.length > 0) this.releaseLastWords();
    if (this.ending) this.progressEnd();
    if (this.phase === 'open') this.notifyWritable();
  }

  private canDeliver(): boolean {
    return this.phase === 'open' && !this.readingPaused && this.handler !== undefined;
  }

  private readInbound(): void {
    for (const streamId of this.conn.readable()) {
      if (!this.canDeliver()) return;
      this.readStream(streamId);
    }
  }

  private readStream(streamId: number): void {
    if (this.abortedStreams.has(streamId)) {
      this.discardStream(streamId);
      return;
    }
    let state = this.inbound.get(streamId);
    if (state === undefined) {
      if (isInitiatedBy(streamId, this.role) && streamKindOf(streamId) === 'uni') return;
      state = { stream: Object.freeze({ id: streamId, kind: streamKindOf(streamId) }) };
      this.inbound.set(streamId, state);
      if (isClientBidiStream(streamId) && streamId > this.highestClientBidiSeen) {
        this.highestClientBidiSeen = streamId;
      }
    }
    const buffer = this.host.readBuffer;
    while (this.canDeliver()) {
      let result: [number, boolean] | null;
      try {
        result = this.conn.streamRecv(streamId, buffer);
      } catch (error) {
        this.inbound.delete(streamId);
        const parsed = parseQuicheError(error);
        if (parsed.name === 'StreamReset') {
          this.handler?.onStreamReset(state.stream, parsed.argument ?? 0);
        }
        // Anything else (InvalidStreamState: already collected) has nothing left to deliver.
        return;
      }
      if (result === null) return;
      const [length, fin] = result;
      if (length > 0) {
        // The handler owns the chunk, so it cannot alias the shared read buffer.
        const chunk = Buffer.allocUnsafe(length);
        buffer.copy(chunk, 0, 0, length);
        this.handler?.onStreamData(state.stream, chunk);
      }
      if (fin) {
        this.inbound.delete(streamId);
        this.handler?.onStreamEnd(state.stream);
        return;
      }
    }
  }

  /** Reads and drops what an aborted stream still delivers, so quiche can collect it. */
  private discardStream(streamId: number): void {
    const buffer = this.host.readBuffer;
    try {
      let result = this.conn.streamRecv(streamId, buffer);
      while (result !== null && !result[1]) result = this.conn.streamRecv(streamId, buffer);
      if (result === null) return;
    } catch {
      // Reset or collected: done with it either way.
    }
    this.abortedStreams.delete(streamId);
  }

  private openUniStream(parts: readonly Buffer[]): QuicOutboundStream {
    const stream = new QuicOutboundStream(this.nextUniStreamId);
    this.nextUniStreamId += STREAM_ID_STEP;
    this.buffered += stream.enqueue(parts);
    stream.requestFin();
    this.outbound.set(stream.id, stream);
    this.flushStream(stream);
    return stream;
  }

  private openPendingUniStreams(): void {
    while (this.pendingUni.length > 0 && this.conn.peerStreamsLeftUni() > 0) {
      const pending = this.pendingUni.shift();
      if (pending === undefined) return;
      this.buffered -= pending.bytes;
      const stream = this.openUniStream(pending.parts);
      const state = pending.orderedBy;
      if (state !== undefined) {
        state.awaitingCredit -= 1;
        state.unacked.push(stream.id);
      }
    }
  }

  private holdLastWord(parts: readonly Buffer[], ordering: UniStreamOrdering): boolean {
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    this.lastWordUni.push({ parts: [...parts], bytes, ordering });
    this.buffered += bytes;
    this.schedule();
    return this.acceptsMore(undefined);
  }

  /** Opens the held last words once every uni stream before them is acknowledged. */
  private releaseLastWords(): void {
    if (this.pendingUni.length > 0 || this.heldUniWrites > 0 || this.unackedUni.length > 0) return;
    for (const stream of this.outbound.values()) {
      if (streamKindOf(stream.id) === 'uni') return;
    }
    const words = this.lastWordUni;
    this.lastWordUni = [];
    for (const word of words) {
      this.buffered -= word.bytes;
      // Also while ending: a last word is typically followed by `end()`.
      this.startUniStream(word.parts);
    }
  }

  private writeOrderedUniStream(parts: readonly Buffer[], ordering: UniStreamOrdering): boolean {
    let state = this.orderedUni.get(ordering.key);
    if (state === undefined) {
      // Nothing of the key in flight: nothing to wait for, and a last stream leaves no state.
      if (ordering.last) return this.writeOnNewUniStream(parts);
      state = { key: ordering.key, unacked: [], awaitingCredit: 0, held: [] };
      this.orderedUni.set(ordering.key, state);
    }
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    const write: HeldUniWrite = { parts: [...parts], bytes, ordering };
    // Later writes of a key never overtake a held one.
    const mustWait =
      state.held.length > 0 || (ordering.afterAcknowledged && !this.allAcknowledged(state));
    if (mustWait) {
      state.held.push(write);
      this.heldUniWrites += 1;
      this.buffered += bytes;
      this.schedule();
      return this.acceptsMore(undefined);
    }
    const stream = this.startOrderedUniStream(state, write);
    this.schedule();
    return this.acceptsMore(stream);
  }

  /**
   * Opens an ordered write's stream, or queues it for peer stream credit, and tracks it under its
   * key; the last stream of a key is not tracked, and the key is forgotten if nothing is held.
   */
  private startOrderedUniStream(
    state: OrderedUniKey,
    write: HeldUniWrite,
  ): QuicOutboundStream | undefined {
    const { last } = write.ordering;
    if (last && state.held.length === 0) this.orderedUni.delete(state.key);
    if (this.pendingUni.length === 0 && this.conn.peerStreamsLeftUni() > 0) {
      const stream = this.openUniStream(write.parts);
      if (!last) state.unacked.push(stream.id);
      return stream;
    }
    this.pendingUni.push({
      parts: write.parts,
      bytes: write.bytes,
      orderedBy: last ? undefined : state,
    });
    if (!last) state.awaitingCredit += 1;
    this.buffered += write.bytes;
    return undefined;
  }

  /**
   * Opens the held writes whose earlier streams are now acknowledged, in write order, and
   * forgets keys with nothing left in flight.
   */
  private releaseOrderedUniStreams(): void {
    for (const [key, state] of this.orderedUni) {
      while (state.held.length > 0) {
        const next = state.held[0];
        if (next.ordering.afterAcknowledged && !this.allAcknowledged(state)) break;
        state.held.shift();
        this.heldUniWrites -= 1;
        this.buffered -= next.bytes;
        this.startOrderedUniStream(state, next);
      }
      if (state.held.length === 0 && this.allAcknowledged(state)) this.orderedUni.delete(key);
    }
  }

  /** Whether every stream of the key so far is acknowledged by the peer (quiche collected it). */
  private allAcknowledged(state: OrderedUniKey): boolean {
    if (state.awaitingCredit > 0) return false;
    const { unacked } = state;
    // A stream leaves `outbound` once its FIN is in quiche; collected means acknowledged.
    while (unacked.length > 0 && !this.outbound.has(unacked[0]) && this.isCollected(unacked[0])) {
      unacked.shift();
    }
    return unacked.length === 0;
  }

  /** Pushes a stream's queue into quiche and keeps the bookkeeping in step. */
  private flushStream(stream: QuicOutboundStream): void {
    const before = stream.queuedBytes;
    const state = stream.flush(this.conn);
    this.buffered -= before - stream.queuedBytes;
    if (state === 'blocked') {
      this.blocked.add(stream);
      return;
    }
    this.blocked.delete(stream);
    if (state === 'drained' && stream.finished) {
      this.outbound.delete(stream.id);
      if (streamKindOf(stream.id) === 'uni') this.unackedUni.push(stream.id);
      else this.unackedBidi.add(stream.id);
    }
    if (state === 'dead') this.outbound.delete(stream.id);
  }

  private flushBlocked(): void {
    for (const stream of this.blocked) this.flushStream(stream);
  }

  /**
   * quiche collects a local uni stream once its data and FIN are acknowledged; after that the
   * stream is unknown to it. Watching the oldest ones tells `end()` when nothing is in flight.
   */
  private releaseAckedUniStreams(): void {
    while (this.unackedUni.length > 0 && this.isCollected(this.unackedUni[0])) {
      this.unackedUni.shift();
    }
  }

  /** Whether quiche forgot the stream: everything acknowledged (or the stream was aborted). */
  private isCollected(streamId: number): boolean {
    try {
      this.conn.streamCapacity(streamId);
      return false;
    } catch {
      return true;
    }
  }

  private acceptsMore(stream: QuicOutboundStream | undefined): boolean {
    const transport = this.settings.transport;
    const over =
      this.buffered > transport.connectionHighWaterMark ||
      (stream !== undefined && stream.queuedBytes > transport.streamHighWaterMark);
    if (over) this.needsDrain = true;
    return !over;
  }

  private notifyWritable(): void {
    if (!this.needsDrain) return;
    const transport = this.settings.transport;
    if (this.buffered > transport.connectionHighWaterMark * LOW_WATER_FRACTION) return;
    for (const stream of this.blocked) {
      if (stream.queuedBytes > transport.streamHighWaterMark * LOW_WATER_FRACTION) return;
    }
    this.needsDrain = false;
    this.handler?.onWritable();
  }

  private progressEnd(): void {
    if (this.buffered > 0 || this.pendingUni.length > 0 || this.blocked.size > 0) return;
    if (this.heldUniWrites > 0 || this.lastWordUni.length > 0) return;
    for (const stream of this.outbound.values()) {
      if (!stream.isIdle) return;
    }
    if (this.graceDeadline === Number.POSITIVE_INFINITY) {
      this.graceDeadline = performance.now() + this.endGraceMs;
    }
    // Every byte is in quiche. Once quiche has collected every finished stream (all data and
    // FINs acknowledged), the grace period has nothing left to protect. A bidi stream is only
    // collected after the peer finished its side too; otherwise the grace period decides.
    for (const streamId of this.unackedBidi) {
      if (this.isCollected(streamId)) this.unackedBidi.delete(streamId);
    }
    if (this.unackedUni.length === 0 && this.unackedBidi.size === 0) this.closeGracefully();
  }

  private closeGracefully(): void {
    this.closeQuiche(NNRP_QUIC_CLOSE_NO_ERROR, '');
    this.enterClosing(undefined);
  }

  private closeQuiche(code: number, reason: string): void {
    this.closedLocally = true;
    const reasonBytes = Buffer.from(reason).subarray(0, QUIC_MAX_CLOSE_REASON_BYTES);
    try {
      this.conn.close(true, code, reasonBytes);
    } catch {
      // Already closing: nothing more to send.
    }
  }

  private drainSend(): void {
    const buffer = this.host.sendBuffer;
    for (let packets = 0; packets < SEND_BATCH_MAX_PACKETS; packets++) {
      let result;
      try {
        result = this.conn.send(buffer);
      } catch (error) {
        throw fromQuicheThrow(error, 'quiche send failed');
      }
      if (result === null) return;
      this.host.transmit(buffer, result[0], result[1].to);
    }
    // Batch limit reached: the rest goes out next turn, after other connections had theirs.
    this.host.scheduler.schedule(this);
  }

  private checkClosure(): void {
    if (this.phase === 'finished') return;
    const closedByQuiche = this.conn.isClosed();
    if (this.phase !== 'closing' && (closedByQuiche || this.conn.isDraining())) {
      this.enterClosing(this.closureError());
    }
    if (closedByQuiche || (this.phase === 'closing' && !this.lingers())) this.finish();
  }

  /** Whether to stay around in closing/draining state; see {@link QuicConnectionSettings}. */
  private lingers(): boolean {
    // A failed handshake leaves nothing worth protecting; a stray retransmission of the peer
    // at worst starts (and fails) another handshake.
    return this.settings.lingerAfterClose && this.opened;
  }

  /** Why quiche closed the connection on its own (peer close, idle timeout, protocol error). */
  private closureError(): QuicCarrierError | undefined {
    if (this.conn.isTimedOut()) {
      return this.phase === 'handshake'
        ? new QuicCarrierError('handshake-timeout', 'QUIC handshake timed out')
        : new QuicCarrierError('idle-timeout', 'QUIC connection idle timeout');
    }
    const peer = this.conn.peerError();
    if (peer !== null) return fromConnectionClose(peer, 'peer');
    const local = this.closedLocally ? null : this.conn.localError();
    if (local !== null) return fromConnectionClose(local, 'local');
    return undefined;
  }

  /** Enters closing: data flow stops, queues are dropped, `onClosed` is due. */
  private enterClosing(error: Error | undefined): void {
    if (this.phase === 'closing' || this.phase === 'finished') return;
    const wasOpen = this.phase === 'open';
    this.phase = 'closing';
    this.closeError = error;
    this.outbound.clear();
    this.blocked.clear();
    this.pendingUni = [];
    this.orderedUni.clear();
    this.heldUniWrites = 0;
    this.lastWordUni = [];
    this.buffered = 0;
    if (!wasOpen) {
      this.closeNotified = true; // nobody attached: the owner hears about it instead
      this.host.connectionFailed(
        this,
        error instanceof QuicCarrierError
          ? error
          : new QuicCarrierError('transport', 'QUIC connection closed during the handshake', {
              cause: error,
            }),
      );
    }
  }

  private finish(): void {
    if (this.phase === 'finished') return;
    if (this.phase !== 'closing') this.enterClosing(this.closureError());
    this.phase = 'finished';
    this.clearTimer();
    this.host.scheduler.cancel(this);
    this.host.connectionFinished(this);
    const waiters = this.finishWaiters;
    this.finishWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private notifyClosed(): void {
    if (this.closeNotified || this.handler === undefined) return;
    if (this.phase !== 'closing' && this.phase !== 'finished') return;
    this.closeNotified = true;
    const handler = this.handler;
    try {
      handler.onClosed(this.closeError);
    } catch (error) {
      // Nothing left to tear down; let the bug surface like a throwing event listener.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /** A handler threw or quiche failed unexpectedly: close with the error. */
  private failInternally(thrown: unknown): void {
    const error =
      thrown instanceof QuicCarrierError
        ? thrown
        : new QuicCarrierError(
            'internal',
            `connection failed internally (a handler threw?): ${asError(thrown).message}`,
            {
              cause: thrown,
            },
          );
    if (this.phase === 'handshake' || this.phase === 'open') {
      this.closeQuiche(NNRP_QUIC_CLOSE_INTERNAL_ERROR, error.message);
      this.enterClosing(error);
      try {
        this.drainSend();
      } catch {
        // The close frame could not be produced; the peer will time out.
      }
    }
    if (this.phase !== 'finished') this.finishIfDone();
  }

  private finishIfDone(): void {
    if (this.conn.isClosed() || !this.lingers()) this.finish();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (this.phase === 'finished') return;
    const now = performance.now();
    if (this.phase === 'handshake' && now >= this.handshakeDeadline) {
      this.closedLocally = true;
      try {
        this.conn.close(false, NNRP_QUIC_CLOSE_NO_ERROR, NO_REASON);
      } catch {
        // Already closing.
      }
      this.enterClosing(new QuicCarrierError('handshake-timeout', 'QUIC handshake timed out'));
    }
    if (
      this.ending &&
      this.phase === 'open' &&
      (now >= this.graceDeadline || now >= this.endDeadline)
    ) {
      this.closeGracefully();
    }
    try {
      this.conn.onTimeout();
    } catch (error) {
      this.failInternally(error);
    }
    this.runTurn();
  };

  /** One timer per connection, at the earliest of quiche's timeout and our own deadlines. */
  private armTimer(): void {
    if (this.phase === 'finished') {
      this.clearTimer();
      return;
    }
    const now = performance.now();
    const quicheTimeout = this.conn.timeout();
    let due = quicheTimeout === null ? Number.POSITIVE_INFINITY : now + quicheTimeout;
    if (this.phase === 'handshake') due = Math.min(due, this.handshakeDeadline);
    if (this.ending && this.phase === 'open') {
      due = Math.min(due, this.graceDeadline, this.endDeadline);
    }
    if (due === Number.POSITIVE_INFINITY) {
      this.clearTimer();
      return;
    }
    // An armed timer that fires no later than needed is kept: an early wake-up only re-arms,
    // which is cheaper than cancelling and creating a timer on every turn.
    if (this.timer !== undefined && this.timerDue <= due) return;
    this.clearTimer();
    this.timerDue = due;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(due - now)) + TIMER_ROUNDING_MS);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
  }
}
