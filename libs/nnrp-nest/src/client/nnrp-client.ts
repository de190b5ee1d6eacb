import {
  AuthStatus,
  ClientHelloMetadata,
  decodeControlExtensions,
  encodeClientHello,
  encodeControlExtensions,
  encodePacketParts,
  encodeSessionOpen,
  encodeTransportProbe,
  ErrorCode,
  FlowScopeKind,
  HeaderFlag,
  isNnrpProtocolError,
  MessageType,
  messageTypeName,
  Packet,
  PacketAddress,
  sessionOpenAckOpensSession,
  SessionOpenMetadata,
  StreamFramer,
  TransportId,
  TransportProbeAckMetadata,
  validateServerHelloAgainstClientHello,
  validateSessionOpenAckRules,
} from '@nest-nnrp/protocol';
import type { CarrierConnection, InboundStream } from '../carriers/carrier-connection';
import { connectCarrier } from './client-carrier';
import { DEFAULT_CLIENT_HELLO, DEFAULT_SESSION_OPEN } from './client-defaults';
import type {
  HelloOptions,
  NnrpClientConnectOptions,
  NnrpClientOptions,
  OpenSessionOptions,
  TransportProbeResult,
} from './client-options';
import { ClientFlow, ClientSession, ClientSessionInit } from './client-session';
import { createDeferred, Deferred } from './deferred';
import { definedFields } from './defined-fields';
import { EventLog, Unsubscribe } from './event-log';
import { decodeInbound, InboundMessage, InboundMessageOf } from './inbound-message';
import { monotonicMicros, monotonicMillis } from './monotonic-clock';
import { NnrpClientError } from './nnrp-client-error';
import type { NnrpClientEvents } from './nnrp-client-events';
import type { ProtocolViolation, ViolationKind } from './protocol-violation';
import type { ReceivedError, ReceivedFlowUpdate } from './received-packets';
import type { SessionLink } from './session-link';
import { TypedEvents } from './typed-events';
import { Waiter, WaiterQueue } from './waiter-queue';

const EMPTY = Buffer.alloc(0);
/** How long `closeConnection` lets the server read the CLOSE before the socket is destroyed. */
const CLOSE_GRACE_MS = 1000;
/** Hex digits of an ERROR code in messages (`0x0002`). */
const ERROR_CODE_HEX_DIGITS = 4;
/** TRANSPORT_PROBE filler byte (the Python client pads with `P`). */
const PROBE_FILLER = 'P';

/** A TRANSPORT_PROBE_ACK and when it arrived. */
interface ProbeAnswer {
  readonly ack: TransportProbeAckMetadata;
  readonly arrivedAt: number;
}

/**
 * A TypeScript NNRP/1-preview3 client over any carrier connection, for tests, tools and the CLI.
 * It speaks both handshakes (CLIENT_HELLO, SESSION_OPEN), validates every inbound packet with
 * the codec, demultiplexes by message type, session id and frame id, and records what the
 * server did wrong (`violations`) instead of trusting it.
 */
export class NnrpClient {
  /** Resolves once the connection is gone (never rejects; see {@link closeReason}). */
  readonly closed: Promise<void>;
  /** Transport of the carrier, for SESSION_MIGRATE. */
  readonly transportId: TransportId;
  private readonly closedDeferred = createDeferred<void>();
  private readonly framers = new Map<number, StreamFramer>();
  private readonly sessionMap = new Map<number, ClientSession>();
  private readonly helloWaiters = new WaiterQueue<ClientSession, ClientHelloMetadata>();
  private readonly openWaiters = new WaiterQueue<ClientSession, SessionOpenMetadata>();
  private readonly pongWaiters = new WaiterQueue<number>();
  private readonly probeWaiters = new WaiterQueue<ProbeAnswer, number>();
  private readonly drainWaiters: Deferred<void>[] = [];
  private readonly errorLog: EventLog<ReceivedError>;
  private readonly violationLog: EventLog<ProtocolViolation>;
  private readonly flowLog: EventLog<ReceivedFlowUpdate>;
  private readonly events: TypedEvents<NnrpClientEvents>;
  private readonly link: SessionLink;
  private flowValue: ClientFlow | undefined;
  private writableFlag = true;
  /** Set once the connection is failing or gone: inbound packets are no longer handled. */
  private stopped = false;
  private closedFlag = false;
  private closeReasonValue: NnrpClientError | undefined;
  private fatalError: ReceivedError | undefined;
  private nextProbeId = 1;

  /** Connects a carrier (TCP, or QUIC when available) and wraps it. */
  static async connect(options: NnrpClientConnectOptions): Promise<NnrpClient> {
    return new NnrpClient(await connectCarrier(options), options);
  }

  /** Wraps an open carrier connection (any {@link CarrierConnection}) and starts reading. */
  constructor(
    /** The carrier connection under this client. */
    readonly carrier: CarrierConnection,
    private readonly options: NnrpClientOptions = {},
  ) {
    this.closed = this.closedDeferred.promise;
    this.transportId = carrier.carrier === 'quic' ? TransportId.Quic : TransportId.Tcp;
    const onListenerError = (error: unknown): void =>
      this.options.logger?.error?.(`NNRP client listener failed: ${describe(error)}`);
    this.errorLog = new EventLog(onListenerError);
    this.violationLog = new EventLog(onListenerError);
    this.flowLog = new EventLog(onListenerError);
    this.events = new TypedEvents(onListenerError);
    this.link = {
      transportId: this.transportId,
      onListenerError,
      send: (address, metadata, body, uni) =>
        this.send(
          address,
          metadata,
          body,
          uni ?? (address.messageType === MessageType.FrameSubmit && options.uniSubmits === true),
        ),
      violation: (kind, message, detail) => this.violation(kind, message, detail),
    };
    carrier.attach({
      onStreamData: (stream, chunk) => this.onStreamData(stream, chunk),
      onStreamEnd: (stream) => this.onStreamEnd(stream),
      onStreamReset: (stream, code) =>
        this.fail(new Error(`server reset stream ${stream.id} (code ${code})`)),
      onWritable: () => this.onWritable(),
      onClosed: (error) => this.onClosed(error),
    });
    // A carrier that closed before it had a handler never reports it.
    if (carrier.closed) this.onClosed();
  }

  /** The handshake this client used first (`undefined` before any). */
  get flow(): ClientFlow | undefined {
    return this.flowValue;
  }

  /** Sessions by id, in the order they were opened. */
  get sessions(): ReadonlyMap<number, ClientSession> {
    return this.sessionMap;
  }

  /** ERROR packets received, oldest first. */
  get errors(): readonly ReceivedError[] {
    return this.errorLog.items;
  }

  /** Protocol violations recorded, oldest first. */
  get violations(): readonly ProtocolViolation[] {
    return this.violationLog.items;
  }

  /** Connection-scope FLOW_UPDATEs received. */
  get flowUpdates(): readonly ReceivedFlowUpdate[] {
    return this.flowLog.items;
  }

  /** True once the connection is gone. */
  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Why the connection ended, when it was not a plain close (decode error, CLOSE, reset). */
  get closeReason(): NnrpClientError | undefined {
    return this.closeReasonValue;
  }

  /** False while the carrier's write queue is over its high-water mark. */
  get writable(): boolean {
    return this.writableFlag;
  }

  /** Registers a listener; returns a function that removes it. */
  on<K extends keyof NnrpClientEvents>(event: K, listener: NnrpClientEvents[K]): Unsubscribe {
    return this.events.on(event, listener);
  }

  /**
   * CLIENT_HELLO flow (control-plane.md §6.4): sends a hello and resolves with the session of
   * its SERVER_HELLO_ACK. Rejects with `NnrpClientError` `auth` / `error` (server ERROR, with its
   * code) or `closed`.
   */
  async hello(options: HelloOptions = {}): Promise<ClientSession> {
    const { authBlock = EMPTY, extensions = [], authFirst = false, ...overrides } = options;
    const extensionBlock = encodeControlExtensions(extensions);
    const metadata: ClientHelloMetadata = {
      ...DEFAULT_CLIENT_HELLO,
      ...definedFields(overrides),
      authBytes: authBlock.length,
      controlExtensionBytes: extensionBlock.length,
    };
    // Python order is extensions ‖ auth (control-plane.md §4.1).
    const blocks = authFirst ? [authBlock, extensionBlock] : [extensionBlock, authBlock];
    this.send(
      { messageType: MessageType.ClientHello, flags: HeaderFlag.AckRequired },
      encodeClientHello(metadata),
      Buffer.concat(blocks),
    );
    this.flowValue ??= 'hello';
    return this.helloWaiters.wait(metadata);
  }

  /**
   * SESSION_OPEN flow (control-plane.md §4.4, §6.2): resolves with the session of an opening
   * SESSION_OPEN_ACK (`session.ack`). A rejecting ack rejects with `NnrpClientError` `rejected`
   * carrying its `sessionErrorCode`.
   */
  async openSession(options: OpenSessionOptions = {}): Promise<ClientSession> {
    const { resumeToken, authBlock, sessionExtension, ...overrides } = options;
    const fields = definedFields(overrides);
    const metadata: SessionOpenMetadata = {
      ...DEFAULT_SESSION_OPEN,
      // As the Rust client: the tag is the requested id.
      clientSessionTag: BigInt(fields.requestedSessionId ?? 0),
      resumeTokenBytes: resumeToken?.length ?? 0,
      authBytes: authBlock?.length ?? 0,
      sessionExtensionBytes: sessionExtension?.length ?? 0,
      ...fields,
    };
    // Blocks travel in the body in field order (control-plane.md §4.4 [REC]).
    const blocks = [resumeToken, authBlock, sessionExtension].filter(
      (block): block is Buffer => block !== undefined,
    );
    this.send(
      { messageType: MessageType.SessionOpen },
      encodeSessionOpen(metadata),
      Buffer.concat(blocks),
    );
    this.flowValue ??= 'open';
    return this.openWaiters.wait(metadata);
  }

  /** Sends PING and resolves with the round-trip time to its PONG, in milliseconds. */
  async ping(): Promise<number> {
    const started = monotonicMillis();
    this.send({ messageType: MessageType.Ping });
    const arrivedAt = await this.pongWaiters.wait(undefined);
    return arrivedAt - started;
  }

  /** Sends TRANSPORT_PROBE with `payloadBytes` of filler and resolves with its ack and RTT. */
  async probe(payloadBytes: number): Promise<TransportProbeResult> {
    const probeId = this.nextProbeId++;
    const started = monotonicMillis();
    this.send(
      { messageType: MessageType.TransportProbe },
      encodeTransportProbe({
        probeId,
        probePayloadBytes: payloadBytes,
        clientSendTsUs: monotonicMicros(),
      }),
      Buffer.alloc(payloadBytes, PROBE_FILLER),
    );
    const answer = await this.probeWaiters.wait(probeId);
    return { ack: answer.ack, rttMs: answer.arrivedAt - started };
  }

  /**
   * Writes bytes exactly as given (malformed input for server tests), on the control stream or
   * on a new QUIC uni stream.
   */
  sendRaw(bytes: Buffer | readonly Buffer[], options: { uni?: boolean } = {}): void {
    this.writeParts(Buffer.isBuffer(bytes) ? [bytes] : bytes, options.uni);
  }

  /** Resolves when the carrier's write queue is below its high-water mark again. */
  drain(): Promise<void> {
    if (this.closedFlag) return Promise.reject(this.closedError());
    if (this.writableFlag) return Promise.resolve();
    const deferred = createDeferred<void>();
    this.drainWaiters.push(deferred);
    return deferred.promise;
  }

  /**
   * Connection-level close: sends CLOSE (body = UTF-8 `reason`), ends the write side and
   * resolves once the connection is gone. Pending operations reject with `closed`.
   */
  async closeConnection(reason = ''): Promise<void> {
    if (!this.closedFlag && !this.carrier.closed) {
      this.send({ messageType: MessageType.Close }, EMPTY, Buffer.from(reason, 'utf8'));
      this.carrier.end(CLOSE_GRACE_MS);
    }
    await this.closed;
  }

  /** Tears the connection down at once and resolves when it is gone. */
  async destroy(): Promise<void> {
    if (!this.closedFlag) this.carrier.destroy();
    await this.closed;
  }

  private send(address: PacketAddress, metadata?: Buffer, body?: Buffer, uni?: boolean): void {
    this.writeParts(encodePacketParts(address, metadata, body), uni);
  }

  private writeParts(parts: readonly Buffer[], uni = false): void {
    if (this.closedFlag || this.carrier.closed) throw this.closedError();
    if (uni && !this.carrier.supportsUniStreams) {
      throw new NnrpClientError('unsupported', `${this.carrier.carrier} has no uni streams`);
    }
    const accepted = uni ? this.carrier.writeOnNewUniStream(parts) : this.carrier.write(parts);
    if (!accepted) this.writableFlag = false;
  }

  private onStreamData(stream: InboundStream, chunk: Buffer): void {
    if (this.stopped) return;
    let framer = this.framers.get(stream.id);
    if (!framer) {
      framer = new StreamFramer(this.options.framerLimits);
      this.framers.set(stream.id, framer);
    }
    try {
      framer.push(chunk, (packet) => this.dispatch(packet));
    } catch (error) {
      this.fail(error);
    }
  }

  private onStreamEnd(stream: InboundStream): void {
    const framer = this.framers.get(stream.id);
    this.framers.delete(stream.id);
    try {
      framer?.end();
    } catch (error) {
      this.fail(error);
      return;
    }
    // The server finished the control stream: nothing more can come, finish ours too.
    if (stream.kind === 'bidi') this.carrier.end();
  }

  private onWritable(): void {
    this.writableFlag = true;
    for (const waiter of this.drainWaiters.splice(0)) waiter.resolve();
  }

  /** Validates one framed packet (a decode error throws into {@link onStreamData}) and routes it. */
  private dispatch(packet: Packet): void {
    if (this.stopped) return;
    const message = decodeInbound(packet);
    this.route(message);
    this.events.emit('packet', message);
  }

  private route(message: InboundMessage): void {
    const sessionId = message.header.sessionId;
    const session = sessionId === 0 ? undefined : this.sessionMap.get(sessionId);
    this.checkOpenFlowRule(message);
    switch (message.type) {
      case MessageType.ServerHelloAck:
        this.onHelloAck(message);
        return;
      case MessageType.SessionOpenAck:
        this.onOpenAck(message);
        return;
      case MessageType.Ping:
        session?.handleInbound(message);
        // After a CLOSE our write side is finished: nothing can be answered any more.
        if (this.carrier.closed) return;
        // Answered from the reader, copying the ids (control-plane.md §4.14).
        this.send({
          messageType: MessageType.Pong,
          sessionId,
          frameId: message.header.frameId,
          traceId: message.header.traceId,
        });
        return;
      case MessageType.Pong:
        session?.handleInbound(message);
        this.resolveNext(this.pongWaiters, message, monotonicMillis());
        return;
      case MessageType.TransportProbeAck:
        this.onProbeAck(message);
        return;
      case MessageType.Error:
        session?.handleInbound(message);
        this.onError(message);
        return;
      case MessageType.Close:
        session?.handleInbound(message);
        this.onServerClose(message);
        return;
      case MessageType.CachePut:
      case MessageType.CacheAck:
      case MessageType.CacheInvalidate:
        session?.handleInbound(message);
        this.events.emit('cache', message);
        return;
      case MessageType.FlowUpdate:
        if (message.metadata.scopeKind === FlowScopeKind.Connection) {
          this.flowLog.push(message);
          this.events.emit('flowUpdate', message);
          return;
        }
        this.toSession(session, message);
        return;
      case MessageType.ResultPush:
      case MessageType.ResultDrop:
      case MessageType.ResultHint:
      case MessageType.SessionPatchAck:
      case MessageType.SessionMigrateAck:
      case MessageType.SessionCloseAck:
        this.toSession(session, message);
        return;
      default:
        session?.handleInbound(message);
        this.violation(
          'unexpected-message',
          message,
          `${messageTypeName(message.type)} is a client-to-server message`,
        );
    }
  }

  private toSession(session: ClientSession | undefined, message: InboundMessage): void {
    if (session) {
      session.handleInbound(message);
      return;
    }
    this.violation(
      'unknown-session',
      message,
      `${messageTypeName(message.type)} for unknown session ${message.header.sessionId}`,
    );
  }

  /** decisions.md §10: what a SESSION_OPEN-flow connection must never receive. */
  private checkOpenFlowRule(message: InboundMessage): void {
    if (this.flowValue !== 'open') return;
    const forbidden =
      message.type === MessageType.Ping ||
      message.type === MessageType.ResultHint ||
      message.type === MessageType.Close ||
      (message.type === MessageType.Error && !message.metadata.isFatal);
    if (forbidden) {
      this.violation(
        'forbidden-for-open-flow',
        message,
        `${messageTypeName(message.type)} sent to a SESSION_OPEN-flow client`,
      );
    }
  }

  private onHelloAck(message: InboundMessageOf<MessageType.ServerHelloAck>): void {
    const waiter = this.takeWaiter(this.helloWaiters, message);
    if (!waiter) return;
    const { header, metadata, body } = message;
    this.checkAckRule(message, () =>
      validateServerHelloAgainstClientHello(metadata, waiter.context),
    );
    this.checkSessionIdEcho(message, metadata.sessionId);
    if (metadata.authStatus !== AuthStatus.Accepted) {
      waiter.deferred.reject(
        new NnrpClientError('auth', `SERVER_HELLO_ACK auth_status ${metadata.authStatus}`),
      );
      return;
    }
    const extensions = decodeControlExtensions(body);
    waiter.deferred.resolve(
      this.addSession({
        id: metadata.sessionId,
        flow: 'hello',
        helloAck: { header, metadata, extensions },
        ackType: message.type,
      }),
    );
  }

  private onOpenAck(message: InboundMessageOf<MessageType.SessionOpenAck>): void {
    const waiter = this.takeWaiter(this.openWaiters, message);
    if (!waiter) return;
    const ack = message.metadata;
    const rulesHold = this.checkAckRule(message, () =>
      validateSessionOpenAckRules(ack, waiter.context),
    );
    this.checkSessionIdEcho(message, ack.sessionId);
    if (!sessionOpenAckOpensSession(ack.sessionStatus)) {
      waiter.deferred.reject(
        new NnrpClientError(
          'rejected',
          `SESSION_OPEN rejected: status ${ack.sessionStatus}, session_error_code 0x${ack.sessionErrorCode.toString(16)}`,
          { openAck: ack },
        ),
      );
      return;
    }
    if (!rulesHold) {
      waiter.deferred.reject(
        new NnrpClientError('protocol', 'SESSION_OPEN_ACK breaks the acceptance rules', {
          openAck: ack,
        }),
      );
      return;
    }
    waiter.deferred.resolve(
      this.addSession({ id: ack.sessionId, flow: 'open', ack, ackType: message.type }),
    );
  }

  private onProbeAck(message: InboundMessageOf<MessageType.TransportProbeAck>): void {
    const waiter = this.takeWaiter(this.probeWaiters, message);
    if (!waiter) return;
    if (message.metadata.probeId !== waiter.context) {
      this.violation(
        'invalid-ack',
        message,
        `probe_id ${message.metadata.probeId} does not echo ${waiter.context}`,
      );
    }
    waiter.deferred.resolve({ ack: message.metadata, arrivedAt: monotonicMillis() });
  }

  private onError(message: ReceivedError): void {
    this.errorLog.push(message);
    this.events.emit('error', message);
    const { metadata } = message;
    if (metadata.isFatal) this.fatalError = message;
    // A fatal ERROR (or auth_failed) answers the pending handshakes (decisions.md §9, §16).
    if (!metadata.isFatal && metadata.errorCode !== ErrorCode.AuthFailed) return;
    const kind = metadata.errorCode === ErrorCode.AuthFailed ? 'auth' : 'error';
    const error = new NnrpClientError(
      kind,
      `server ERROR 0x${metadata.errorCode.toString(16).padStart(ERROR_CODE_HEX_DIGITS, '0')}: ${message.body.toString('utf8')}`,
      { error: metadata },
    );
    this.helloWaiters.rejectAll(error);
    this.openWaiters.rejectAll(error);
  }

  private onServerClose(message: InboundMessageOf<MessageType.Close>): void {
    const reason = message.body.toString('utf8');
    this.closeReasonValue ??= new NnrpClientError('closed', `server sent CLOSE: ${reason}`);
    this.carrier.end();
  }

  private addSession(init: ClientSessionInit): ClientSession {
    const session = new ClientSession(this.link, init);
    this.sessionMap.set(session.id, session);
    return session;
  }

  /** Takes the oldest waiter of `queue`, or records an unsolicited ack. */
  private takeWaiter<T, C>(
    queue: WaiterQueue<T, C>,
    message: InboundMessage,
  ): Waiter<T, C> | undefined {
    const waiter = queue.takeNext();
    if (!waiter) {
      this.violation(
        'unsolicited-ack',
        message,
        `${messageTypeName(message.type)} without a pending request`,
      );
    }
    return waiter;
  }

  private resolveNext<T, C>(queue: WaiterQueue<T, C>, message: InboundMessage, value: T): void {
    this.takeWaiter(queue, message)?.deferred.resolve(value);
  }

  /** Runs a codec rule on an ack; a broken rule is recorded, not thrown. */
  private checkAckRule(message: InboundMessage, rule: () => void): boolean {
    try {
      rule();
      return true;
    } catch (error) {
      if (!isNnrpProtocolError(error)) throw error;
      this.violation('invalid-ack', message, error.message);
      return false;
    }
  }

  /** Handshake acks carry the session id twice: header and metadata must agree. */
  private checkSessionIdEcho(message: InboundMessage, metadataSessionId: number): void {
    if (message.header.sessionId !== metadataSessionId) {
      this.violation(
        'invalid-ack',
        message,
        `header session_id ${message.header.sessionId} != metadata session_id ${metadataSessionId}`,
      );
    }
  }

  private violation(kind: ViolationKind, message: InboundMessage, detail: string): void {
    const violation: ProtocolViolation = {
      kind,
      messageType: message.type,
      sessionId: message.header.sessionId,
      frameId: message.header.frameId,
      detail,
    };
    this.options.logger?.warn?.(`NNRP protocol violation (${kind}): ${detail}`);
    this.violationLog.push(violation);
    this.events.emit('violation', violation);
  }

  /** An undecodable packet or a broken stream: the connection cannot continue. */
  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.closeReasonValue ??= new NnrpClientError('protocol', describe(error), { cause: error });
    this.options.logger?.error?.(`NNRP client closing: ${describe(error)}`);
    this.carrier.destroy(error instanceof Error ? error : undefined);
  }

  private closedError(): NnrpClientError {
    const reason = this.closeReasonValue;
    const fatal = this.fatalError?.metadata;
    return new NnrpClientError('closed', reason?.message ?? 'connection closed', {
      cause: reason,
      error: fatal,
    });
  }

  private onClosed(error?: Error): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.stopped = true;
    if (error) {
      this.closeReasonValue ??= new NnrpClientError('closed', `connection lost: ${error.message}`, {
        cause: error,
      });
    }
    const closedError = this.closedError();
    this.helloWaiters.rejectAll(closedError);
    this.openWaiters.rejectAll(closedError);
    this.pongWaiters.rejectAll(closedError);
    this.probeWaiters.rejectAll(closedError);
    for (const waiter of this.drainWaiters.splice(0)) waiter.reject(closedError);
    for (const session of this.sessionMap.values()) session.terminate(closedError);
    this.framers.clear();
    this.options.logger?.debug?.(`NNRP client closed (${this.carrier.id})`);
    this.events.emit('close', this.closeReasonValue);
    this.closedDeferred.resolve();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
