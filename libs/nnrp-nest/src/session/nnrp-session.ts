import {
  BackpressureLevel,
  CancelScope,
  ClientHelloMetadata,
  encodeFlowUpdate,
  encodeResultHint,
  encodeResultPush,
  FlowFlag,
  FlowScopeKind,
  FlowUpdateReason,
  MessageType,
  OperationRegistry,
  OperationState,
  PacketHeader,
  ResultHintBudgetPolicy,
  ResultHintCongestionState,
  ResultHintMetadata,
  ResultHintReason,
  SessionOpenMetadata,
} from '@nest-nnrp/protocol';
import { DropReason } from '../engine/drop-reason';
import { NnrpResult } from '../engine/nnrp-result';
import { FrameOperation, FrameSink } from './frame-operation';
import { RecentFrameIds } from './recent-frame-ids';
import { CacheStore, LeaseOwnerScope } from './cache-store';
import { CreditLedger } from './credit-ledger';
import { setLongTimeout } from './long-timeout';
import { resultMetadataFor } from './result-metadata';
import { SessionConnection } from './session-connection';

/** Session states (control-plane.md §6.1). */
export type SessionState = 'open' | 'resumed' | 'closing' | 'closed';

/** Observer of frame outcomes (metrics, logs). */
export interface SessionObserver {
  frameSettled(
    session: NnrpSession,
    frame: FrameOperation,
    outcome: 'completed' | DropReason,
  ): void;
  resultSent(session: NnrpSession, frame: FrameOperation, bytes: number, partial: boolean): void;
}

/** What a session was opened with. */
export interface SessionInit {
  id: number;
  flow: 'hello' | 'open';
  profileId: number;
  schemaId: number;
  schemaVersion: number;
  priorityClass: number;
  defaultDeadlineMs: number;
  maxInFlight: number;
  resumeEnabled: boolean;
  principal: string | undefined;
  open?: SessionOpenMetadata;
  hello?: ClientHelloMetadata;
  /** The session's object cache (CACHE_PUT / CACHE_INVALIDATE). */
  cache: CacheStore;
  /** Operation credit, when the server enforces it. */
  credit: CreditLedger | undefined;
}

/** Packets that wait while a control ack is pending (control-plane.md §6.3). */
interface HeldPacket {
  frame: FrameOperation;
  write: () => void;
}

/**
 * One NNRP session: its frames in flight, its duplicate window, its result writes. A session
 * knows packets, not sockets: it writes through its {@link SessionConnection}.
 */
export class NnrpSession implements FrameSink {
  readonly id: number;
  readonly flow: 'hello' | 'open';
  profileId: number;
  schemaId: number;
  schemaVersion: number;
  readonly priorityClass: number;
  readonly defaultDeadlineMs: number;
  readonly maxInFlight: number;
  readonly resumeEnabled: boolean;
  readonly principal: string | undefined;
  readonly open: SessionOpenMetadata | undefined;
  readonly hello: ClientHelloMetadata | undefined;
  state: SessionState = 'open';
  /** `credit_epoch` of the client's last FLOW_UPDATE for this scope (stale ones are ignored). */
  clientFlowEpoch: number | undefined;
  /** Highest frame id accepted (the `last_operation_id` watermark). */
  lastOperationId = 0;
  /** Highest frame id answered with a final RESULT_PUSH. */
  lastResultFrameId = 0;
  private readonly frames = new Map<number, FrameOperation>();
  /**
   * Operation records of this session's frames (data-plane.md §7.2): relationships for the
   * cancel scopes and the lifecycle states. Records leave with their id's duplicate window.
   */
  readonly operations = new OperationRegistry();
  private readonly recent = new RecentFrameIds();
  private connectionRef: SessionConnection | undefined;
  private held: HeldPacket[] | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Objects this session put in the server cache. */
  readonly cache: CacheStore;
  /** Operation credit when enforced (`credits.enforce`), else `undefined`. */
  readonly credit: CreditLedger | undefined;
  private grantScheduled = false;
  /** `credit_epoch` of flow updates when credit is not enforced. */
  private flowEpoch = 0;
  /** Opaque application state (the Nest layer keeps per-session data here). */
  readonly data = new Map<string, unknown>();

  constructor(
    init: SessionInit,
    connection: SessionConnection,
    private readonly observer: SessionObserver,
  ) {
    this.id = init.id;
    this.flow = init.flow;
    this.profileId = init.profileId;
    this.schemaId = init.schemaId;
    this.schemaVersion = init.schemaVersion;
    this.priorityClass = init.priorityClass;
    this.defaultDeadlineMs = init.defaultDeadlineMs;
    this.maxInFlight = init.maxInFlight;
    this.resumeEnabled = init.resumeEnabled;
    this.principal = init.principal;
    this.open = init.open;
    this.hello = init.hello;
    this.cache = init.cache;
    this.credit = init.credit;
    this.connectionRef = connection;
  }

  /** The connection carrying the session; `undefined` while detached for resume. */
  get connection(): SessionConnection | undefined {
    return this.connectionRef;
  }

  /** Frames accepted and not yet answered. */
  get inFlight(): number {
    return this.frames.size;
  }

  /** True while new frames may be accepted (control-plane.md §6.1). */
  get acceptsFrames(): boolean {
    return this.state === 'open' || this.state === 'resumed';
  }

  frame(frameId: number): FrameOperation | undefined {
    return this.frames.get(frameId);
  }

  /** Every frame in flight. */
  inFlightFrames(): FrameOperation[] {
    return [...this.frames.values()];
  }

  /** True when `frameId` is in flight or was answered recently (a duplicate, decisions.md §15). */
  isDuplicate(frameId: number): boolean {
    return this.frames.has(frameId) || this.recent.has(frameId);
  }

  /**
   * Registers an accepted frame as an operation (operation id = frame id, data-plane.md §7.1).
   * Its parent is the frame named by `dependency_frame_id` and its group the `view_id` lane,
   * when those are known: preview3 carries no other relationship on the wire.
   */
  track(frame: FrameOperation): void {
    const parent = BigInt(frame.metadata.dependencyFrameId);
    this.operations.register({
      sessionId: this.id,
      operationId: BigInt(frame.frameId),
      parentOperationId: parent !== 0n && this.operations.has(parent) ? parent : undefined,
      operationGroupId: frame.header.viewId !== 0 ? BigInt(frame.header.viewId) : undefined,
    });
    this.frames.set(frame.frameId, frame);
    if (frame.frameId > this.lastOperationId) this.lastOperationId = frame.frameId;
    this.connectionRef?.inFlightChanged(1);
  }

  /** Resolves when no frame is in flight, or after `timeoutMs` (SESSION_CLOSE drain). */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.frames.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setLongTimeout(done, timeoutMs);
      const waiter = (): void => done();
      const waiters = this.idleWaiters;
      waiters.push(waiter);
      function done(): void {
        timer.clear();
        const at = waiters.indexOf(waiter);
        if (at >= 0) waiters.splice(at, 1);
        resolve();
      }
    });
  }

  /** Holds result writes until the ack of a client's PATCH / MIGRATE / CLOSE is out (§6.3). */
  holdResults(): void {
    this.held ??= [];
  }

  /** Sends what was held, in order. */
  releaseResults(): void {
    const held = this.held;
    this.held = undefined;
    if (held) for (const packet of held) packet.write();
  }

  /** Moves the session to a new connection (resume). */
  reattach(connection: SessionConnection): void {
    this.connectionRef = connection;
    this.state = 'resumed';
  }

  /**
   * The connection is gone: every frame in flight is accounted as dropped (the client cannot
   * hear a RESULT_DROP, decisions.md §11) and the session detaches.
   */
  detach(): void {
    this.dropAll('connection-lost', false);
    this.held = undefined;
    this.connectionRef = undefined;
  }

  /**
   * Cancels the operations in `scope` around `frameId` (data-plane.md §7.4): each one still in
   * flight ends with RESULT_DROP and its signal aborts. Returns the cancelled frame ids.
   */
  cancelScope(frameId: number, scope: CancelScope): number[] {
    const changed = this.operations.cancel({
      sessionId: this.id,
      operationId: BigInt(frameId),
      scope,
    });
    const cancelled: number[] = [];
    for (const id of changed) {
      const frame = this.frames.get(Number(id));
      if (frame?.drop('cancelled')) cancelled.push(frame.frameId);
    }
    return cancelled;
  }

  /** Drops every frame in flight (session close, shutdown, connection CLOSE). */
  dropAll(reason: DropReason, send = true): void {
    for (const frame of [...this.frames.values()]) frame.drop(reason, send);
  }

  // FrameSink ------------------------------------------------------------------------------

  sendResult(frame: FrameOperation, result: NnrpResult, partial: boolean): void {
    const metadata = encodeResultPush(resultMetadataFor(frame, result, partial, this.profileId));
    const body = result.body ?? Buffer.alloc(0);
    if (!partial && frame.frameId > this.lastResultFrameId) this.lastResultFrameId = frame.frameId;
    this.write(frame, () => {
      this.connectionRef?.sendPacket(
        {
          messageType: MessageType.ResultPush,
          flags: result.flags ?? 0,
          sessionId: this.id,
          frameId: frame.frameId,
          viewId: result.viewId ?? frame.header.viewId,
          routeId: result.routeId ?? frame.header.routeId,
          traceId: result.traceId ?? frame.header.traceId,
        },
        metadata,
        body,
        frame.origin,
        partial ? 'partial' : 'terminal',
      );
      this.observer.resultSent(this, frame, metadata.length + body.length, partial);
    });
  }

  sendDrop(frame: FrameOperation, _reason: DropReason, errorCode?: number): void {
    this.write(frame, () => {
      if (errorCode !== undefined) {
        this.connectionRef?.sendFrameError(errorCode, this.id, frame.frameId);
      }
      this.connectionRef?.sendPacket(
        {
          messageType: MessageType.ResultDrop,
          sessionId: this.id,
          frameId: frame.frameId,
          viewId: frame.header.viewId,
          routeId: frame.header.routeId,
          traceId: frame.header.traceId,
        },
        undefined,
        undefined,
        frame.origin,
        'terminal',
      );
    });
  }

  frameStateChanged(frame: FrameOperation, state: OperationState): void {
    const id = BigInt(frame.frameId);
    // A scope cancel already moved the record to cancelled before the frame dropped.
    if (this.operations.state(id) !== state) this.operations.transition(id, state);
  }

  frameSettled(frame: FrameOperation, outcome: 'completed' | DropReason): void {
    if (this.frames.delete(frame.frameId)) {
      this.connectionRef?.inFlightChanged(-1);
      if (this.credit?.release()) this.scheduleGrant();
    }
    // Leases owned by the operation end with it (§8.5 owner_scope).
    this.cache.releaseOwner(LeaseOwnerScope.Operation, BigInt(frame.frameId));
    // A frame lost with its connection was never answered: the client may replay it after a
    // resume, so its id does not count as answered.
    if (outcome !== 'connection-lost') {
      const evicted = this.recent.add(frame.frameId);
      if (evicted !== undefined) this.operations.forget([BigInt(evicted)]);
    } else {
      this.operations.forget([BigInt(frame.frameId)]);
    }
    this.observer.frameSettled(this, frame, outcome);
    if (this.frames.size === 0 && this.idleWaiters.length > 0) {
      for (const waiter of [...this.idleWaiters]) waiter();
    }
  }

  // Overload signals (decisions.md §15) -------------------------------------------------------

  /**
   * Tells the client to back off: a session-scope FLOW_UPDATE with hard backpressure, and for
   * hello-flow clients a RESULT_HINT (saturated, queue_full).
   */
  signalOverload(header: PacketHeader, retryAfterMs: number, hints: boolean): void {
    const connection = this.connectionRef;
    if (!connection) return;
    this.sendFlowUpdate({
      updateReason: FlowUpdateReason.Congestion,
      backpressureLevel: BackpressureLevel.Hard,
      sessionCredit: this.credit?.available ?? 0,
      retryAfterMs,
      flowFlags:
        (retryAfterMs > 0 ? FlowFlag.RetryAfterValid : 0) |
        (this.credit ? FlowFlag.CreditValid : 0),
    });
    if (hints && this.flow === 'hello') {
      const hint = encodeResultHint({
        appliedBudgetPolicy: ResultHintBudgetPolicy.Drop,
        congestionState: ResultHintCongestionState.Saturated,
        reason: ResultHintReason.QueueFull,
        retryAfterMs,
      });
      connection.sendPacket(
        { messageType: MessageType.ResultHint, sessionId: this.id, frameId: header.frameId },
        hint,
      );
    }
  }

  /**
   * Sends a RESULT_HINT about `frameId` (0 = the whole session). Hello-flow clients only: the
   * connection never sends one to a SESSION_OPEN-flow client (decisions.md §10).
   */
  sendHint(frameId: number, hint: ResultHintMetadata): void {
    this.connectionRef?.sendPacket(
      { messageType: MessageType.ResultHint, sessionId: this.id, frameId },
      encodeResultHint(hint),
    );
  }

  /**
   * Grants `units` more operation credit to the client (a session-scope FLOW_UPDATE grant).
   * Without credit enforcement this only informs the client.
   */
  grantCredit(units: number): void {
    this.credit?.grant(units);
    this.scheduleGrant();
  }

  /** One coalesced grant per event-loop turn announces the credit returned by answers. */
  private scheduleGrant(): void {
    if (this.grantScheduled) return;
    this.grantScheduled = true;
    setImmediate(() => {
      this.grantScheduled = false;
      if (!this.credit || !this.connectionRef || !this.acceptsFrames) return;
      this.sendFlowUpdate({
        updateReason: FlowUpdateReason.Grant,
        backpressureLevel: BackpressureLevel.None,
        sessionCredit: this.credit.available,
        retryAfterMs: 0,
        flowFlags: FlowFlag.CreditValid,
      });
    });
  }

  /** A session-scope FLOW_UPDATE (routing rules of control-plane.md §4.15). */
  private sendFlowUpdate(update: {
    updateReason: FlowUpdateReason;
    backpressureLevel: BackpressureLevel;
    sessionCredit: number;
    retryAfterMs: number;
    flowFlags: number;
  }): void {
    const epoch = this.credit ? this.credit.nextEpoch() : ++this.flowEpoch;
    const metadata = encodeFlowUpdate({
      scopeKind: FlowScopeKind.Session,
      connectionCredit: 0,
      operationCredit: 0,
      operationId: 0n,
      creditEpoch: epoch,
      ...update,
    });
    this.connectionRef?.sendPacket(
      { messageType: MessageType.FlowUpdate, sessionId: this.id },
      metadata,
    );
  }

  private write(frame: FrameOperation, send: () => void): void {
    if (this.held) this.held.push({ frame, write: send });
    else send();
  }
}
