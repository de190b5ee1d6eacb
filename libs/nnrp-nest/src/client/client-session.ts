import {
  ControlExtensionEntry,
  encodeFrameSubmit,
  encodeSessionClose,
  encodeSessionMigrate,
  encodeSessionPatch,
  isNnrpProtocolError,
  MessageType,
  messageTypeName,
  PacketAddress,
  PacketHeader,
  ServerHelloAckMetadata,
  SessionCloseAckMetadata,
  SessionCloseMetadata,
  SessionCloseStatus,
  SessionMigrateAckMetadata,
  SessionMigrateMetadata,
  SessionOpenAckMetadata,
  SessionPatchAckMetadata,
  TransportId,
  validateMigrationRecovery,
} from '@nest-nnrp/protocol';
import {
  DEFAULT_FRAME_SUBMIT,
  DEFAULT_SESSION_CLOSE,
  DEFAULT_SESSION_PATCH,
} from './client-defaults';
import type { CloseOptions, MigrateOptions, PatchOptions, SubmitOptions } from './client-options';
import { EventLog, Unsubscribe } from './event-log';
import { FrameCall, isPartialResult } from './frame-call';
import { expectInbound, InboundMessage, InboundMessageOf } from './inbound-message';
import { monotonicMicros } from './monotonic-clock';
import { NnrpClientError } from './nnrp-client-error';
import type {
  PacketDirection,
  PacketRecord,
  ReceivedFlowUpdate,
  ReceivedHint,
} from './received-packets';
import type { SessionLink } from './session-link';
import { WaiterQueue } from './waiter-queue';

/** Which handshake created a session (control-plane.md §6.2 / §6.4). */
export type ClientFlow = 'hello' | 'open';

/** Client-side session state (control-plane.md §6.1, Draining folded into `closing`). */
export type ClientSessionState = 'open' | 'closing' | 'closed';

/** What SERVER_HELLO_ACK said (hello flow). */
export interface HelloAck {
  readonly header: PacketHeader;
  readonly metadata: ServerHelloAckMetadata;
  /** The decoded control-extension block of the ack body. */
  readonly extensions: readonly ControlExtensionEntry[];
}

/** How a session starts: the handshake's answer. @internal */
export interface ClientSessionInit {
  readonly id: number;
  readonly flow: ClientFlow;
  readonly ack?: SessionOpenAckMetadata;
  readonly helloAck?: HelloAck;
  /** The handshake ack, the first packet of the session's timeline. */
  readonly ackType: MessageType;
}

/** The acks a session waits for after its own control requests. */
type ControlAckType =
  MessageType.SessionPatchAck | MessageType.SessionMigrateAck | MessageType.SessionCloseAck;
type ControlAckMessage = Extract<InboundMessage, { type: ControlAckType }>;

/** Which pending call of a frame id an answer belongs to (see `pendingCall`). */
type CallPick = 'oldest' | 'newest';

const TRANSPORT_SWAP: Readonly<Partial<Record<TransportId, TransportId>>> = {
  [TransportId.Tcp]: TransportId.Quic,
  [TransportId.Quic]: TransportId.Tcp,
};

/**
 * One session of an {@link NnrpClient}: submits frames and demultiplexes their results by frame
 * id, runs the session's control exchanges (patch, migrate, close) and records every packet it
 * sees so tests can check ordering.
 */
export class ClientSession {
  /** Session id from SESSION_OPEN_ACK / SERVER_HELLO_ACK. */
  readonly id: number;
  readonly flow: ClientFlow;
  /** SESSION_OPEN_ACK (open flow only). */
  readonly ack: SessionOpenAckMetadata | undefined;
  /** SERVER_HELLO_ACK (hello flow only). */
  readonly helloAck: HelloAck | undefined;
  private stateValue: ClientSessionState = 'open';
  /** Calls still waiting for their terminal answer, per frame id (a list: ids may repeat). */
  private readonly calls = new Map<number, FrameCall[]>();
  /** Frame ids that got a terminal answer, to tell late packets from unknown frames. */
  private readonly answered = new Set<number>();
  private readonly controlAcks = new WaiterQueue<ControlAckMessage, ControlAckType>();
  private readonly receivedTypes: MessageType[] = [];
  private readonly records: PacketRecord[] = [];
  private readonly flowLog: EventLog<ReceivedFlowUpdate>;
  private readonly hintLog: EventLog<ReceivedHint>;
  private nextFrameId = 1;
  private lastSubmitted = 0;
  private lastResult = 0;

  /** @internal Sessions are created by {@link NnrpClient.hello} / {@link NnrpClient.openSession}. */
  constructor(
    private readonly link: SessionLink,
    init: ClientSessionInit,
  ) {
    this.id = init.id;
    this.flow = init.flow;
    this.ack = init.ack;
    this.helloAck = init.helloAck;
    this.flowLog = new EventLog(link.onListenerError);
    this.hintLog = new EventLog(link.onListenerError);
    this.record('in', init.ackType, 0);
  }

  get state(): ClientSessionState {
    return this.stateValue;
  }

  /** Types of the packets received for this session, in arrival order (handshake ack first). */
  get received(): readonly MessageType[] {
    return this.receivedTypes;
  }

  /** Every packet sent and received for this session, in order. */
  get timeline(): readonly PacketRecord[] {
    return this.records;
  }

  /** FLOW_UPDATEs of session or operation scope for this session. */
  get flowUpdates(): readonly ReceivedFlowUpdate[] {
    return this.flowLog.items;
  }

  /** RESULT_HINTs for this session. */
  get hints(): readonly ReceivedHint[] {
    return this.hintLog.items;
  }

  /** Number of submitted frames still waiting for their terminal answer. */
  get pendingFrames(): number {
    let count = 0;
    for (const list of this.calls.values()) count += list.length;
    return count;
  }

  /** Highest frame id submitted (the SESSION_CLOSE watermark). */
  get lastSubmittedFrameId(): number {
    return this.lastSubmitted;
  }

  /** Highest frame id that got a terminal RESULT_PUSH (the SESSION_MIGRATE cursor). */
  get lastResultFrameId(): number {
    return this.lastResult;
  }

  /** Calls `listener` for every later FLOW_UPDATE of this session. */
  onFlowUpdate(listener: (update: ReceivedFlowUpdate) => void): Unsubscribe {
    return this.flowLog.subscribe(listener);
  }

  /** Calls `listener` for every later RESULT_HINT of this session. */
  onHint(listener: (hint: ReceivedHint) => void): Unsubscribe {
    return this.hintLog.subscribe(listener);
  }

  /**
   * Sends FRAME_SUBMIT with `body` (opaque bytes) and returns the call that collects its
   * answers. Metadata defaults to the all-zero FRAME_SUBMIT; throws when it does not encode or
   * when the session or connection is closed.
   */
  submit(body: Buffer, options: SubmitOptions = {}): FrameCall {
    this.requireNotClosed();
    const kinds =
      options.payloadKindBitmap === undefined
        ? {}
        : { payloadKindBitmap: options.payloadKindBitmap };
    const metadata = encodeFrameSubmit({ ...DEFAULT_FRAME_SUBMIT, ...options.metadata, ...kinds });
    const frameId = options.frameId ?? this.nextFrameId;
    this.send(
      {
        messageType: MessageType.FrameSubmit,
        frameId,
        viewId: options.viewId,
        routeId: options.routeId,
        traceId: options.traceId,
        flags: options.flags,
      },
      metadata,
      body,
      options.uni,
    );
    const call = new FrameCall(this.id, frameId, this.link.onListenerError);
    const list = this.calls.get(frameId);
    if (list) list.push(call);
    else this.calls.set(frameId, [call]);
    // Explicit ids move the counter too, so automatic ids never collide with them.
    this.nextFrameId = Math.max(this.nextFrameId, frameId + 1);
    this.lastSubmitted = Math.max(this.lastSubmitted, frameId);
    return call;
  }

  /** Sends FRAME_CANCEL for `frameId`; the server answers the frame with RESULT_DROP. */
  cancel(frameId: number): void {
    this.send({ messageType: MessageType.FrameCancel, frameId });
  }

  /** Sends SESSION_PATCH and resolves with the SESSION_PATCH_ACK. */
  async patch(options: PatchOptions = {}): Promise<SessionPatchAckMetadata> {
    const { profilePatch, ...fields } = options;
    const metadata = encodeSessionPatch({
      ...DEFAULT_SESSION_PATCH,
      profilePatchBytes: profilePatch?.length ?? 0,
      ...fields,
    });
    const ack = await this.exchange(
      MessageType.SessionPatch,
      metadata,
      profilePatch,
      MessageType.SessionPatchAck,
    );
    return ack.metadata;
  }

  /**
   * Sends SESSION_MIGRATE and resolves with the SESSION_MIGRATE_ACK. An ack that breaks
   * `validate_migration_recovery` is recorded as an `invalid-ack` violation.
   */
  async migrate(options: MigrateOptions = {}): Promise<SessionMigrateAckMetadata> {
    const current = this.link.transportId;
    const request: SessionMigrateMetadata = {
      oldTransportId: current,
      newTransportId: TRANSPORT_SWAP[current] ?? TransportId.Tcp,
      lastResultFrameId: BigInt(this.lastResult),
      clientMigrateTsUs: monotonicMicros(),
      ...options,
    };
    const ack = await this.exchange(
      MessageType.SessionMigrate,
      encodeSessionMigrate(request),
      undefined,
      MessageType.SessionMigrateAck,
    );
    try {
      validateMigrationRecovery(request, ack.metadata);
    } catch (error) {
      if (!isNnrpProtocolError(error)) throw error;
      this.link.violation('invalid-ack', ack, error.message);
    }
    return ack.metadata;
  }

  /**
   * Sends SESSION_CLOSE and resolves with the SESSION_CLOSE_ACK. With status `closed`, frames
   * still unanswered are failed and recorded as `unanswered-frame` violations (decisions §11).
   */
  async close(options: CloseOptions = {}): Promise<SessionCloseAckMetadata> {
    const request: SessionCloseMetadata = {
      ...DEFAULT_SESSION_CLOSE,
      lastOperationId: BigInt(this.lastSubmitted),
      sessionCloseTag: this.id,
      ...options,
    };
    const metadata = encodeSessionClose(request);
    this.stateValue = 'closing';
    const ack = await this.exchange(
      MessageType.SessionClose,
      metadata,
      undefined,
      MessageType.SessionCloseAck,
    );
    return ack.metadata;
  }

  /** @internal Handles a validated packet whose header names this session. */
  handleInbound(message: InboundMessage): void {
    this.record('in', message.type, message.header.frameId);
    this.checkAckIsNext(message);
    switch (message.type) {
      case MessageType.ResultPush: {
        const { header, metadata, body } = message;
        const partial = isPartialResult(metadata);
        // A server answers a duplicate id at once, while the original keeps running: results
        // go to the oldest call of an id, a drop to the newest.
        const call = this.pendingCall(message, 'oldest');
        if (!call) return;
        if (partial) {
          call.addPartial({ header, metadata, body });
          return;
        }
        this.finish(call);
        this.lastResult = Math.max(this.lastResult, call.frameId);
        call.complete({ header, metadata, body });
        return;
      }
      case MessageType.ResultDrop: {
        const call = this.pendingCall(message, 'newest');
        if (!call) return;
        this.finish(call);
        call.drop(message.header);
        return;
      }
      case MessageType.SessionPatchAck:
      case MessageType.SessionMigrateAck:
      case MessageType.SessionCloseAck:
        this.handleControlAck(message);
        return;
      case MessageType.FlowUpdate:
        this.flowLog.push(message);
        return;
      case MessageType.ResultHint:
        this.hintLog.push(message);
        return;
      default:
        // Connection-level types (ERROR, PING, …) are handled by the client.
        return;
    }
  }

  /** @internal The connection is gone: fail everything still waiting. */
  terminate(error: NnrpClientError): void {
    this.stateValue = 'closed';
    this.failPendingCalls(error);
    this.controlAcks.rejectAll(error);
  }

  private async exchange<T extends ControlAckType>(
    requestType: MessageType,
    metadata: Buffer,
    body: Buffer | undefined,
    ackType: T,
  ): Promise<InboundMessageOf<T>> {
    this.send({ messageType: requestType }, metadata, body);
    // Safe to queue after the write: an answer can only arrive on a later event-loop turn.
    const message = await this.controlAcks.wait(ackType);
    return expectInbound(message, ackType);
  }

  private handleControlAck(message: ControlAckMessage): void {
    const waiter = this.controlAcks.takeFirst((type) => type === message.type);
    if (!waiter) {
      this.link.violation(
        'unsolicited-ack',
        message,
        `${messageTypeName(message.type)} without a pending request`,
      );
      return;
    }
    if (message.type === MessageType.SessionCloseAck) this.applyCloseAck(message);
    waiter.deferred.resolve(message);
  }

  /** Session state after SESSION_CLOSE_ACK (control-plane.md §6.1). */
  private applyCloseAck(message: InboundMessageOf<MessageType.SessionCloseAck>): void {
    switch (message.metadata.closeStatus) {
      case SessionCloseStatus.Rejected:
        this.stateValue = 'open';
        return;
      case SessionCloseStatus.Closed:
        this.stateValue = 'closed';
        if (this.pendingFrames > 0) {
          this.link.violation(
            'unanswered-frame',
            message,
            `session ${this.id} closed with ${this.pendingFrames} unanswered frame(s)`,
          );
        }
        this.failPendingCalls(
          new NnrpClientError('closed', `session ${this.id} closed`, { sessionId: this.id }),
        );
        return;
      default:
        this.stateValue = 'closing';
    }
  }

  /**
   * The Rust client treats the packet after its PATCH / MIGRATE / CLOSE as the ack
   * (control-plane.md §6.3); anything else of this session in between is recorded.
   */
  private checkAckIsNext(message: InboundMessage): void {
    const expected = this.controlAcks.peek()?.context;
    if (expected === undefined || expected === message.type) return;
    this.link.violation(
      'ack-not-next',
      message,
      `${messageTypeName(message.type)} arrived while ${messageTypeName(expected)} was due`,
    );
  }

  private pendingCall(message: InboundMessage, pick: CallPick): FrameCall | undefined {
    const frameId = message.header.frameId;
    const list = this.calls.get(frameId);
    if (list) return pick === 'oldest' ? list[0] : list[list.length - 1];
    const answered = this.answered.has(frameId);
    this.link.violation(
      answered ? 'after-terminal' : 'unknown-frame',
      message,
      answered
        ? `${messageTypeName(message.type)} for frame ${frameId} after its terminal answer`
        : `${messageTypeName(message.type)} for frame ${frameId}, which was never submitted`,
    );
    return undefined;
  }

  private finish(call: FrameCall): void {
    const list = this.calls.get(call.frameId);
    if (!list) return;
    list.splice(list.indexOf(call), 1);
    if (list.length === 0) this.calls.delete(call.frameId);
    this.answered.add(call.frameId);
  }

  private failPendingCalls(error: NnrpClientError): void {
    const pending = [...this.calls.values()].flat();
    this.calls.clear();
    for (const call of pending) call.fail(error);
  }

  private requireNotClosed(): void {
    if (this.stateValue === 'closed') {
      throw new NnrpClientError('closed', `session ${this.id} is closed`, { sessionId: this.id });
    }
  }

  private send(
    address: Omit<PacketAddress, 'sessionId'>,
    metadata?: Buffer,
    body?: Buffer,
    uni?: boolean,
  ): void {
    this.link.send({ ...address, sessionId: this.id }, metadata, body, uni);
    this.record('out', address.messageType, address.frameId ?? 0);
  }

  private record(direction: PacketDirection, messageType: MessageType, frameId: number): void {
    if (direction === 'in') this.receivedTypes.push(messageType);
    this.records.push({ direction, messageType, frameId });
  }
}
