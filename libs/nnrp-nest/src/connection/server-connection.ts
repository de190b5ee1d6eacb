import {
  CACHE_ACK_METADATA_LEN,
  CACHE_INVALIDATE_METADATA_LEN,
  CACHE_PUT_METADATA_LEN,
  CacheAckStatus,
  decodeCacheAck,
  decodeCacheInvalidate,
  decodeCachePut,
  encodeCacheAck,
  decodeClientHello,
  decodeError,
  decodeFlowUpdate,
  decodeFrameSubmit,
  decodeSessionClose,
  decodeSessionMigrate,
  decodeSessionOpen,
  decodeSessionPatch,
  decodeTransportProbe,
  encodeError,
  encodeServerHelloAck,
  encodeSessionCloseAck,
  encodeSessionMigrateAck,
  encodeSessionOpenAck,
  encodeSessionPatchAck,
  encodeTransportProbeAck,
  encodePacketParts,
  ErrorCode,
  ErrorScope,
  FRAME_SUBMIT_METADATA_LEN,
  FLOW_UPDATE_METADATA_LEN,
  FlowScopeKind,
  HeaderFlag,
  InFlightPolicy,
  isNnrpProtocolError,
  lowestProfileOf,
  MessageType,
  messageTypeName,
  NnrpErrorKind,
  NnrpProtocolError,
  Packet,
  PacketAddress,
  PatchAckStatus,
  PatchRejectReason,
  SESSION_MIGRATE_METADATA_LEN,
  SESSION_PATCH_METADATA_LEN,
  SessionCloseMetadata,
  SessionCloseStatus,
  SessionErrorCode,
  SessionMigrateAckMetadata,
  SessionMigrateMetadata,
  SessionOpenMetadata,
  SessionPatchAckMetadata,
  SessionPatchMetadata,
  StreamFramer,
  validateEmptyControlHeader,
  validateFlowUpdateRouting,
  validateFrameCancelHeader,
} from '@nest-nnrp/protocol';
import type {
  CarrierConnection,
  CarrierConnectionHandler,
  InboundStream,
  UniStreamOrdering,
} from '../carriers/carrier-connection';
import { DropReason } from '../engine/drop-reason';
import type { NnrpAuthRequest } from '../engine/nnrp-auth-policy';
import { NnrpAuthOutcome } from '../engine/nnrp-dispatcher';
import { FrameOperation } from '../session/frame-operation';
import { NnrpSession, SessionInit } from '../session/nnrp-session';
import { CacheStore } from '../session/cache-store';
import { checkSubmitReferences } from '../session/submit-references';
import { CreditLedger } from '../session/credit-ledger';
import { FrameAnswer, SessionConnection } from '../session/session-connection';
import {
  hasUnknownCriticalExtension,
  serverHelloAck,
  splitHelloBody,
} from './client-hello-negotiation';
import { ConnectionHost } from './connection-host';
import { maySendToOpenFlow } from './outbound-policy';
import {
  acceptedOpenAck,
  grantsResume,
  isMalformedResume,
  openValidationError,
  rejectedOpenAck,
  sessionOpenAuthBlock,
} from './session-open-ack';

/** Connection states (control-plane.md §6.5). */
type ConnectionState = 'await-first' | 'handshaking' | 'ready' | 'closing' | 'closed';

const EMPTY = Buffer.alloc(0);
const MICROS_PER_MS = 1000n;
/** Retry hint on overload (decisions.md §15). */
const OVERLOAD_RETRY_AFTER_MS = 10;

/**
 * One client connection: a reader loop per inbound stream that frames packets and demultiplexes
 * them by message type and session id, the handshake of both flows on one listener (the first
 * packet decides), and ordered, backpressured writes (control-plane.md §6.5, decisions.md).
 */
export class ServerConnection implements CarrierConnectionHandler, SessionConnection {
  private state: ConnectionState = 'await-first';
  private flowValue: 'hello' | 'open' | undefined;
  private readonly framers = new Map<number, StreamFramer>();
  private readonly sessions = new Map<number, NnrpSession>();
  /** The stream the handshake came on: control packets go back there. */
  private controlStreamId = 0;
  /** Whether the client has sent on the control stream (a QUIC client may open uni streams only). */
  private controlStreamSeen = false;
  /** Whether results went out on uni streams (QUIC Python model). */
  private uniResultsSent = false;
  /** Packets that arrived while an asynchronous handshake step was pending. */
  private pending: [Packet, InboundStream][] | undefined;
  private pendingBytes = 0;
  /** Serialises control acks (patch, migrate, close) so they leave in request order. */
  private controlChain: Promise<void> = Promise.resolve();
  private inFlightCount = 0;
  private readingPaused = false;
  private lastInbound = performance.now();
  private lastOutbound = performance.now();
  private handshakeTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  /** `credit_epoch` of the client's last connection-scope FLOW_UPDATE. */
  private readonly connectionFlow: { clientFlowEpoch: number | undefined } = {
    clientFlowEpoch: undefined,
  };
  /** Set when the client half-closed: close as soon as its frames are answered. */
  private finishing = false;
  /** Set once the write queue passed its hard limit (the teardown is scheduled). */
  private overflowing = false;
  /** Set when the client asked for the teardown (CLOSE): its sessions are not resumable. */
  private explicitClose = false;

  constructor(
    readonly carrierConnection: CarrierConnection,
    private readonly host: ConnectionHost,
  ) {
    const { handshakeTimeoutMs } = host.options;
    if (handshakeTimeoutMs > 0) {
      // Slow-loris guard: the first packet must arrive and its handshake finish in time.
      this.handshakeTimer = setTimeout(
        () => this.fatal(ErrorCode.LimitExceeded, 'handshake timeout'),
        handshakeTimeoutMs,
      );
    }
    carrierConnection.attach(this);
  }

  /** Which handshake the connection used; `open` until known (the safer send policy). */
  get flow(): 'hello' | 'open' {
    return this.flowValue ?? 'open';
  }

  get carrier(): 'tcp' | 'quic' {
    return this.carrierConnection.carrier;
  }

  get remoteAddress(): string {
    return this.carrierConnection.remoteAddress;
  }

  /** Live sessions on this connection. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Frames in flight over all sessions of the connection. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Sessions on this connection (for shutdown). */
  liveSessions(): NnrpSession[] {
    return [...this.sessions.values()];
  }

  // Carrier events ----------------------------------------------------------------------------

  onStreamData(stream: InboundStream, chunk: Buffer): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.host.bytesTransferred('in', chunk.length);
    if (stream.kind === 'bidi' && stream.id === this.controlStreamId) this.controlStreamSeen = true;
    let framer = this.framers.get(stream.id);
    if (!framer) {
      framer = new StreamFramer({
        maxMetaLen: this.host.options.limits.maxMetaLen,
        maxBodyLen: this.host.options.profile.maxBodyBytes,
      });
      this.framers.set(stream.id, framer);
    }
    try {
      framer.push(chunk, (packet) => this.onPacket(packet, stream));
    } catch (error) {
      this.onProtocolError(error);
    }
  }

  onStreamEnd(stream: InboundStream): void {
    const framer = this.framers.get(stream.id);
    this.framers.delete(stream.id);
    try {
      framer?.end();
    } catch (error) {
      this.onProtocolError(error);
      return;
    }
    // The client finished its control stream: nothing more will come, but the answers to what
    // it sent are still due. Close once they are out (or after the drain time).
    if (stream.kind === 'bidi' && stream.id === this.controlStreamId) this.finishAfterAnswers();
  }

  onStreamReset(stream: InboundStream): void {
    // A reset uni submit stream is connection-fatal in the Python reference (§2.2).
    this.framers.delete(stream.id);
    this.fatal(ErrorCode.MalformedBody, 'stream reset by peer');
  }

  onWritable(): void {
    if (this.readingPaused && this.state !== 'closed') {
      this.readingPaused = false;
      this.carrierConnection.resumeReading();
    }
  }

  onClosed(error?: Error): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearTimers();
    this.framers.clear();
    this.pending = undefined;
    if (error)
      this.host.logger?.debug?.(`connection ${this.carrierConnection.id}: ${error.message}`);
    for (const session of this.sessions.values()) this.releaseSession(session);
    this.sessions.clear();
    this.host.connectionClosed(this);
  }

  // SessionConnection -------------------------------------------------------------------------

  sendPacket(
    address: PacketAddress,
    metadata: Buffer = EMPTY,
    body: Buffer = EMPTY,
    via?: InboundStream,
    answer?: FrameAnswer,
  ): void {
    this.send(address, metadata, body, via, false, answer);
  }

  sendFrameError(errorCode: number, sessionId: number, frameId: number): void {
    this.sendError(errorCode, ErrorScope.Frame, false, 'frame failed', {
      relatedSessionId: sessionId,
      relatedFrameId: frameId,
    });
  }

  inFlightChanged(delta: number): void {
    this.inFlightCount += delta;
    if (this.inFlightCount === 0 && this.finishing) this.terminate();
  }

  /** Terminates when no frame is in flight any more, or after `shutdownDrainMs`. */
  private finishAfterAnswers(): void {
    if (this.inFlightCount === 0 && this.pending === undefined) {
      this.terminate();
      return;
    }
    this.finishing = true;
    const timer = setTimeout(() => this.terminate(), this.host.options.shutdownDrainMs);
    timer.unref();
  }

  // Teardown ----------------------------------------------------------------------------------

  /**
   * Graceful close: flush, end the write side, close after the grace period. Sessions go to
   * resume (if opened with it) or are closed when the carrier reports the close.
   */
  terminate(): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.state = 'closing';
    this.clearTimers();
    this.carrierConnection.end(this.host.options.closeGraceMs);
  }

  /** Shutdown of the server: drops what is left, tells hello-flow clients, closes. */
  shutdown(): void {
    for (const session of this.sessions.values()) session.dropAll('shutdown');
    if (this.flowValue === 'hello') {
      this.sendPacket({ messageType: MessageType.Close }, EMPTY, Buffer.from('server shutdown'));
    }
    this.explicitClose = true;
    this.terminate();
  }

  // Inbound dispatch --------------------------------------------------------------------------

  private onPacket(packet: Packet, stream: InboundStream): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    // Only whole packets count as activity: a client dripping bytes does not stay alive.
    this.lastInbound = performance.now();
    if (this.pending) {
      const { limits } = this.host.options;
      this.pendingBytes += packet.metadata.length + packet.body.length;
      if (
        this.pending.length >= limits.maxPendingPackets ||
        this.pendingBytes > limits.maxPendingBytes
      ) {
        this.fatal(ErrorCode.LimitExceeded, 'too much sent during the handshake');
        return;
      }
      this.pending.push([packet, stream]);
      return;
    }
    try {
      this.handle(packet, stream);
    } catch (error) {
      this.onProtocolError(error);
    }
  }

  private handle(packet: Packet, stream: InboundStream): void {
    const type = packet.header.messageType;
    switch (type) {
      case MessageType.TransportProbe:
        return this.onTransportProbe(packet, stream);
      case MessageType.Ping:
        validateEmptyControlHeader(packet.header);
        return this.send(
          {
            messageType: MessageType.Pong,
            sessionId: packet.header.sessionId,
            frameId: packet.header.frameId,
            traceId: packet.header.traceId,
          },
          EMPTY,
          EMPTY,
          stream.kind === 'bidi' ? stream : undefined,
          false,
        );
      case MessageType.Pong:
        validateEmptyControlHeader(packet.header);
        return;
      case MessageType.ClientHello:
        return this.onClientHello(packet, stream);
      case MessageType.SessionOpen:
        return this.onSessionOpen(packet, stream);
      default:
        break;
    }
    // Nothing but the handshake is processed before it completed (security).
    if (this.state !== 'ready') {
      this.fatal(ErrorCode.InvalidState, `${messageTypeName(type)} before the handshake`);
      return;
    }
    switch (type) {
      case MessageType.FrameSubmit:
        return this.onFrameSubmit(packet, stream);
      case MessageType.FrameCancel:
        return this.onFrameCancel(packet);
      case MessageType.SessionPatch:
        return this.onSessionPatch(packet);
      case MessageType.SessionMigrate:
        return this.onSessionMigrate(packet);
      case MessageType.SessionClose:
        return this.onSessionClose(packet);
      case MessageType.FlowUpdate:
        return this.onFlowUpdate(packet);
      case MessageType.Close:
        return this.onClose();
      case MessageType.Error:
        return this.onPeerError(packet);
      case MessageType.CachePut:
        return this.onCachePut(packet, stream);
      case MessageType.CacheInvalidate:
        return this.onCacheInvalidate(packet);
      case MessageType.CacheAck:
        return this.onCacheAck(packet);
      default:
        // A server-to-client message from a client.
        this.fatal(ErrorCode.InvalidState, `unexpected ${messageTypeName(type)} from a client`);
    }
  }

  // Handshakes --------------------------------------------------------------------------------

  private onClientHello(packet: Packet, stream: InboundStream): void {
    if (this.state !== 'await-first') {
      this.fatal(ErrorCode.InvalidState, 'CLIENT_HELLO after the handshake');
      return;
    }
    this.flowValue = 'hello';
    this.controlStreamId = stream.id;
    this.controlStreamSeen = stream.kind === 'bidi';
    let hello;
    try {
      hello = decodeClientHello(packet.metadata);
    } catch (error) {
      const code = isNnrpProtocolError(error, NnrpErrorKind.InvalidProtocolCombination)
        ? ErrorCode.UnsupportedVersion
        : ErrorCode.MalformedBody;
      this.fatal(code, (error as Error).message);
      return;
    }
    const { limits } = this.host.options;
    if (
      hello.authBytes > limits.maxAuthBytes ||
      hello.controlExtensionBytes > limits.maxExtensionBytes
    ) {
      this.fatal(ErrorCode.LimitExceeded, 'handshake blocks over the limits');
      return;
    }
    const split = splitHelloBody(hello, packet.body);
    if (typeof split === 'number') {
      this.fatal(split, 'CLIENT_HELLO body does not split into extensions and auth');
      return;
    }
    if (hasUnknownCriticalExtension(split.extensions)) {
      this.fatal(ErrorCode.UnsupportedCapability, 'unknown critical control extension');
      return;
    }
    this.state = 'handshaking';
    this.authorizeThen({ flow: 'hello', authBlock: split.authBlock, hello }, (outcome) => {
      if (!outcome.ok) {
        // decisions.md §9: ERROR auth_failed, connection scope, fatal; no SERVER_HELLO_ACK.
        this.fatal(ErrorCode.AuthFailed, 'authentication failed', ErrorScope.Connection, {
          relatedSessionId: hello.requestedSessionId,
        });
        return;
      }
      const sessions = this.host.sessions;
      const id = sessions.allocate(hello.requestedSessionId) ?? sessions.allocate(0) ?? undefined;
      if (id === undefined) {
        this.fatal(ErrorCode.LimitExceeded, 'no free session id');
        return;
      }
      const ack = serverHelloAck(hello, split.extensions, id, this.carrier, this.host.options);
      const session = this.openSession({
        id,
        flow: 'hello',
        profileId: lowestProfileOf(ack.metadata.acceptedProfileBitmap),
        schemaId: 0,
        schemaVersion: 0,
        priorityClass: 0,
        defaultDeadlineMs: 0,
        maxInFlight: this.host.options.profile.maxInFlightPerSession,
        resumeEnabled: false,
        principal: outcome.principal,
        hello,
      });
      this.send(
        { messageType: MessageType.ServerHelloAck, flags: HeaderFlag.AckRequired, sessionId: id },
        encodeServerHelloAck(ack.metadata),
        ack.body,
        undefined,
        false,
      );
      this.handshakeDone();
      this.host.dispatcher.sessionOpened(session);
    });
  }

  private onSessionOpen(packet: Packet, stream: InboundStream): void {
    const first = this.state === 'await-first';
    if (first) {
      this.flowValue = 'open';
      this.controlStreamId = stream.id;
      this.controlStreamSeen = stream.kind === 'bidi';
    } else if (this.state !== 'ready') {
      this.fatal(ErrorCode.InvalidState, 'SESSION_OPEN during a handshake');
      return;
    }
    const open = decodeSessionOpen(packet.metadata);
    const { options } = this.host;
    const reject = (code: number): void => {
      this.sendOpenAck(encodeSessionOpenAck(rejectedOpenAck(open, code, options)), 0);
      // The first session failing closes the connection (reference behaviour); a rejected
      // extra session leaves its siblings alone (multi-session container).
      if (this.sessions.size === 0) this.terminate();
      else if (this.state === 'handshaking') this.state = 'ready';
    };
    if (this.sessions.size >= options.limits.maxSessionsPerConnection) {
      reject(SessionErrorCode.LimitReached);
      return;
    }
    if (isMalformedResume(open)) {
      reject(SessionErrorCode.ResumeRejected);
      return;
    }
    const invalid = openValidationError(open, {
      options,
      schemaInstalled: this.host.schemaInstalled(open.schemaId, open.schemaVersion),
    });
    if (invalid !== undefined) {
      reject(invalid);
      return;
    }
    if (first) this.state = 'handshaking';
    const authBlock = sessionOpenAuthBlock(open, packet.body);
    this.authorizeThen({ flow: 'open', authBlock, open }, (outcome) => {
      if (!outcome.ok) {
        // decisions.md §9: rejected ack with the policy's code, then the connection closes.
        this.sendOpenAck(
          encodeSessionOpenAck(rejectedOpenAck(open, outcome.errorCode, options)),
          0,
        );
        this.terminate();
        return;
      }
      this.completeSessionOpen(open, outcome, reject);
    });
  }

  private completeSessionOpen(
    open: SessionOpenMetadata,
    outcome: Extract<NnrpAuthOutcome, { ok: true }>,
    reject: (code: number) => void,
  ): void {
    const { options, sessions } = this.host;
    if (open.resumeTokenBytes > 0) {
      // decisions.md §8: resume only a parked resumable session, same principal, same profile.
      const parked = sessions.getDetached(open.requestedSessionId);
      if (
        !parked ||
        !parked.resumeEnabled ||
        parked.principal !== outcome.principal ||
        parked.profileId !== open.profileId ||
        parked.schemaId !== open.schemaId ||
        parked.schemaVersion !== open.schemaVersion
      ) {
        reject(SessionErrorCode.ResumeRejected);
        return;
      }
      const session = sessions.reattach(open.requestedSessionId)!;
      session.reattach(this);
      this.sessions.set(session.id, session);
      this.sendOpenAck(
        encodeSessionOpenAck(acceptedOpenAck(open, session.id, true, options)),
        session.id,
      );
      this.handshakeDone();
      this.host.dispatcher.sessionOpened(session);
      return;
    }
    const id = sessions.allocate(open.requestedSessionId);
    if (id === undefined) {
      reject(SessionErrorCode.LimitReached);
      return;
    }
    const session = this.openSession({
      id,
      flow: this.flow,
      profileId: open.profileId,
      schemaId: open.schemaId,
      schemaVersion: open.schemaVersion,
      priorityClass: open.priorityClass,
      defaultDeadlineMs: open.defaultDeadlineMs,
      maxInFlight: options.profile.maxInFlightPerSession,
      resumeEnabled: grantsResume(open, options),
      principal: outcome.principal,
      open,
    });
    this.sendOpenAck(encodeSessionOpenAck(acceptedOpenAck(open, id, false, options)), id);
    this.handshakeDone();
    this.host.dispatcher.sessionOpened(session);
  }

  private sendOpenAck(metadata: Buffer, sessionId: number): void {
    this.send(
      { messageType: MessageType.SessionOpenAck, sessionId },
      metadata,
      EMPTY,
      undefined,
      false,
    );
  }

  private openSession(init: Omit<SessionInit, 'cache' | 'credit'>): NnrpSession {
    const { profile, leaseTtlMs, enforceCredit, grantedOperationCredit } = this.host.options;
    // Hello-flow clients learn no credit in SERVER_HELLO_ACK: their window is the frame limit.
    const credit = enforceCredit
      ? new CreditLedger(init.flow === 'open' ? grantedOperationCredit : init.maxInFlight)
      : undefined;
    const cache = new CacheStore(profile.cache, leaseTtlMs, (id, version) =>
      this.host.schemaInstalled(id, version),
    );
    const session = new NnrpSession({ ...init, cache, credit }, this, this.host.observer);
    this.host.sessions.add(session);
    this.sessions.set(session.id, session);
    return session;
  }

  private handshakeDone(): void {
    this.state = 'ready';
    if (this.handshakeTimer) {
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
    }
    this.startLiveness();
  }

  /**
   * Runs the application's auth policy for a handshake, holding inbound packets until it
   * answered; `next` runs unless the connection went away meanwhile.
   */
  private authorizeThen(
    request: Pick<NnrpAuthRequest, 'flow' | 'authBlock' | 'hello' | 'open'>,
    next: (outcome: NnrpAuthOutcome) => void,
  ): void {
    const auth = this.host.dispatcher.authorize({
      ...request,
      carrier: this.carrier,
      remoteAddress: this.remoteAddress,
    });
    this.holdInboundUntil(
      auth.then((outcome) => {
        if (this.state !== 'closed' && this.state !== 'closing') next(outcome);
      }),
    );
  }

  /** Holds inbound packets until `step` settles, so handshakes keep request order. */
  private holdInboundUntil(step: Promise<void>): void {
    this.pending = [];
    this.pendingBytes = 0;
    // Nothing more is read while the application decides: an unauthenticated client cannot
    // make the server hold what it pipelines (only what already arrived, capped above).
    this.carrierConnection.pauseReading();
    step
      .catch((error: unknown) => {
        this.host.logger?.error?.(`handshake failed: ${(error as Error).message}`);
        this.fatal(ErrorCode.InternalError, 'handshake failed');
      })
      .finally(() => {
        const queued = this.pending ?? [];
        this.pending = undefined;
        if (!this.readingPaused) this.carrierConnection.resumeReading();
        for (let i = 0; i < queued.length; i++) {
          const [packet, stream] = queued[i];
          this.onPacket(packet, stream);
          if (this.pending) {
            // Another handshake started: keep the rest behind it.
            (this.pending as [Packet, InboundStream][]).push(...queued.slice(i + 1));
            return;
          }
        }
      });
  }

  private onTransportProbe(packet: Packet, stream: InboundStream): void {
    const probe = decodeTransportProbe(packet.metadata);
    if (packet.body.length !== probe.probePayloadBytes) {
      throw new NnrpProtocolError(
        NnrpErrorKind.LengthMismatch,
        'transport_probe.probe_payload_bytes',
        'TRANSPORT_PROBE body length differs from probe_payload_bytes',
      );
    }
    this.send(
      { messageType: MessageType.TransportProbeAck },
      encodeTransportProbeAck({
        probeId: probe.probeId,
        serverRecvTsUs: BigInt(Math.round(performance.now() * 1000)),
      }),
      EMPTY,
      stream.kind === 'bidi' ? stream : undefined,
      false,
    );
  }

  // Data plane --------------------------------------------------------------------------------

  private onFrameSubmit(packet: Packet, stream: InboundStream): void {
    const { header } = packet;
    if (header.metaLen !== FRAME_SUBMIT_METADATA_LEN) {
      throw new NnrpProtocolError(
        NnrpErrorKind.LengthMismatch,
        'frame_submit.meta_len',
        `FRAME_SUBMIT metadata must be ${FRAME_SUBMIT_METADATA_LEN} bytes`,
      );
    }
    const metadata = decodeFrameSubmit(packet.metadata);
    const session = this.sessionFor(header.sessionId, header.frameId);
    if (!session) return;
    const refuse = (reason: DropReason): void => {
      this.send(
        {
          messageType: MessageType.ResultDrop,
          sessionId: session.id,
          frameId: header.frameId,
          viewId: header.viewId,
          routeId: header.routeId,
          traceId: header.traceId,
        },
        EMPTY,
        EMPTY,
        stream,
        false,
      );
      this.host.frameRefused(reason);
    };
    const { options } = this.host;
    if (header.frameId === 0 || session.isDuplicate(header.frameId)) return refuse('duplicate');
    if (!session.acceptsFrames) return refuse('session-closed');
    if (this.host.shuttingDown) return refuse('shutdown');
    if (metadata.sectionCount > options.profile.maxSections) return refuse('invalid-body');
    if (
      session.inFlight >= session.maxInFlight ||
      this.inFlightCount >= options.profile.maxInFlightPerConnection ||
      (session.credit !== undefined && session.credit.available <= 0)
    ) {
      refuse('overload');
      session.signalOverload(header, OVERLOAD_RETRY_AFTER_MS, options.resultHints);
      return;
    }
    const unresolved = checkSubmitReferences(metadata, packet.body, session.cache);
    if (unresolved) {
      // §8.6: a frame-scope, non-fatal ERROR with the cache code (hello-flow clients only,
      // decisions.md §10), then the frame's one terminal answer.
      if (unresolved.kind === 'cache') {
        this.sendError(unresolved.code, ErrorScope.Frame, false, 'referenced object unresolved', {
          relatedSessionId: session.id,
          relatedFrameId: header.frameId,
        });
      }
      return refuse(unresolved.kind === 'cache' ? 'cache-miss' : 'invalid-body');
    }
    // A retry supersedes the frame it retries, if that one is still in flight (§7.3).
    if (metadata.retryOfFrame !== 0) session.frame(metadata.retryOfFrame)?.drop('superseded');
    session.credit?.tryConsume();
    const frame = new FrameOperation(session, header, metadata, packet.body, stream);
    session.track(frame);
    // decisions.md §13: the smallest non-zero of budget, session default and server default;
    // the handler's own timeout tightens it later (DropOnTimeoutInterceptor).
    frame.applyDeadline(metadata.latencyBudgetMs);
    frame.applyDeadline(session.defaultDeadlineMs);
    frame.applyDeadline(options.defaultDeadlineMs);
    this.host.frameAccepted();
    this.host.dispatcher.submit(session, frame);
  }

  private onFrameCancel(packet: Packet): void {
    validateFrameCancelHeader(packet.header);
    const { sessionId, frameId } = packet.header;
    const session = this.sessionFor(sessionId, frameId);
    if (!session) return;
    const frame = session.frame(frameId);
    if (frame) {
      this.host.dispatcher.cancel(session, frame);
      frame.drop('cancelled');
    } else if (this.flowValue === 'hello') {
      // decisions.md §14: ignored, but hello-flow clients hear about it.
      this.sendError(
        ErrorCode.InvalidState,
        ErrorScope.Frame,
        false,
        'cancel of an unknown frame',
        {
          relatedSessionId: sessionId,
          relatedFrameId: frameId,
        },
      );
    }
  }

  // Session control ---------------------------------------------------------------------------

  private onSessionPatch(packet: Packet): void {
    requireExactMeta(packet, SESSION_PATCH_METADATA_LEN, 'session_patch');
    const patch = decodeSessionPatch(packet.metadata);
    const session = this.sessionFor(packet.header.sessionId, 0);
    if (!session) return;
    this.answerControl(session, MessageType.SessionPatchAck, 'patch', async (failed) => {
      const base = defaultPatchAck(session, patch);
      const ack: SessionPatchAckMetadata = failed
        ? {
            ...base,
            ackStatus: PatchAckStatus.Rejected,
            rejectReason: PatchRejectReason.UnsupportedStrategy,
            appliedPatchMask: 0,
            rejectedPatchMask: patch.patchMask,
          }
        : { ...base, ...(await this.host.dispatcher.patch(session, patch, packet.body)) };
      if (ack.ackStatus !== PatchAckStatus.Rejected) session.profileId = ack.effectiveProfileId;
      return encodeSessionPatchAck(ack);
    });
  }

  private onSessionMigrate(packet: Packet): void {
    requireExactMeta(packet, SESSION_MIGRATE_METADATA_LEN, 'session_migrate');
    const request = decodeSessionMigrate(packet.metadata);
    const session = this.sessionFor(packet.header.sessionId, 0);
    if (!session) return;
    this.answerControl(session, MessageType.SessionMigrateAck, 'migrate', async (failed) => {
      const base = defaultMigrateAck(session, request);
      const ack: SessionMigrateAckMetadata = failed
        ? { ...base, acceptCode: MIGRATE_REJECTED }
        : { ...base, ...(await this.host.dispatcher.migrate(session, request)) };
      // §4.11: never below what the client already has.
      if (ack.resumeFromFrameId < request.lastResultFrameId) {
        ack.resumeFromFrameId = request.lastResultFrameId;
      }
      return encodeSessionMigrateAck(ack);
    });
  }

  /**
   * Answers a client's PATCH or MIGRATE with its ack as the session's next packet (§6.3):
   * results are held meanwhile, acks leave in request order. `metadata(false)` asks the
   * application; if it throws, `metadata(true)` builds the refusal.
   */
  private answerControl(
    session: NnrpSession,
    ackType: MessageType,
    what: string,
    metadata: (failed: boolean) => Promise<Buffer>,
  ): void {
    session.holdResults();
    this.serialControl(async () => {
      let ack: Buffer;
      try {
        ack = await metadata(false);
      } catch (error) {
        this.host.logger?.warn?.(`${what} handler failed: ${(error as Error).message}`);
        ack = await metadata(true);
      }
      this.send({ messageType: ackType, sessionId: session.id }, ack, EMPTY, undefined, false);
      session.releaseResults();
    });
  }

  private onSessionClose(packet: Packet): void {
    const request = decodeSessionClose(packet.metadata);
    const session = this.sessionFor(packet.header.sessionId, 0);
    if (!session) return;
    if (!session.acceptsFrames) {
      this.sendCloseAck(session, request, SessionCloseStatus.Rejected);
      return;
    }
    session.state = 'closing';
    const drain = request.inFlightPolicy === InFlightPolicy.Drain && request.drainTimeoutMs > 0;
    // The ack must be the client's next packet for this session (§6.3). Without a drain
    // window, the drops the close causes wait behind it. A SESSION_OPEN-flow client reads
    // nothing but the ack after its close (decisions.md §10), so there even drained results
    // are held: the handlers finish, their answers are counted, not sent.
    if (!drain || this.flow === 'open') session.holdResults();
    this.serialControl(async () => {
      if (drain) await session.whenIdle(request.drainTimeoutMs);
      session.holdResults();
      session.dropAll('session-closed');
      this.sendCloseAck(session, request, SessionCloseStatus.Closed);
      // A SESSION_OPEN-flow client stops reading its session after the ack; a hello-flow
      // client can still hear the drops.
      if (this.flow === 'hello') session.releaseResults();
      this.closeSession(session);
    });
  }

  private sendCloseAck(
    session: NnrpSession,
    request: SessionCloseMetadata,
    closeStatus: SessionCloseStatus,
  ): void {
    this.send(
      { messageType: MessageType.SessionCloseAck, sessionId: session.id },
      encodeSessionCloseAck({
        closeStatus,
        lastOperationId: request.lastOperationId,
        sessionErrorCode: 0,
      }),
      EMPTY,
      undefined,
      false,
    );
  }

  private onFlowUpdate(packet: Packet): void {
    requireExactMeta(packet, FLOW_UPDATE_METADATA_LEN, 'flow_update');
    const update = decodeFlowUpdate(packet.metadata);
    validateFlowUpdateRouting(packet.header.sessionId, update);
    // credit_epoch is monotonic per scope: a stale update is ignored (control-plane.md §7). Each
    // scope's epoch lives on its owner, so naming operations cannot grow any table.
    let owner: { clientFlowEpoch: number | undefined } = this.connectionFlow;
    if (update.scopeKind !== FlowScopeKind.Connection) {
      // Session and operation scopes name a session: it must live on this connection.
      const session = this.sessionFor(packet.header.sessionId, 0);
      if (!session) return;
      owner = session;
      if (update.scopeKind === FlowScopeKind.Operation) {
        // Only an operation in flight has anything to throttle.
        const frame = session.frame(Number(update.operationId));
        if (!frame) return;
        owner = frame;
      }
    }
    if (owner.clientFlowEpoch !== undefined && update.creditEpoch <= owner.clientFlowEpoch) return;
    owner.clientFlowEpoch = update.creditEpoch;
  }

  private onCachePut(packet: Packet, stream: InboundStream): void {
    requireExactMeta(packet, CACHE_PUT_METADATA_LEN, 'cache_put');
    const put = decodeCachePut(packet.metadata);
    const session = this.sessionFor(packet.header.sessionId, 0);
    if (!session) return;
    const ack = session.cache.putFromWire(put, packet.body, session.id);
    this.send(
      { messageType: MessageType.CacheAck, sessionId: session.id },
      encodeCacheAck(ack),
      EMPTY,
      stream.kind === 'bidi' ? stream : undefined,
      false,
    );
    if (ack.status !== CacheAckStatus.Rejected) {
      this.host.dispatcher.cachePut(session, put, packet.body);
    }
  }

  private onCacheInvalidate(packet: Packet): void {
    requireExactMeta(packet, CACHE_INVALIDATE_METADATA_LEN, 'cache_invalidate');
    const invalidate = decodeCacheInvalidate(packet.metadata);
    const session = this.sessionFor(packet.header.sessionId, 0);
    if (!session) return;
    session.cache.invalidate(invalidate);
  }

  private onCacheAck(packet: Packet): void {
    // Acks of server-initiated puts; this server initiates none, so only validate.
    requireExactMeta(packet, CACHE_ACK_METADATA_LEN, 'cache_ack');
    decodeCacheAck(packet.metadata);
  }

  private onClose(): void {
    // Connection-level CLOSE: every session ends now, its frames with drops (§4.12), and its id
    // is free at once (not after the socket's grace period).
    this.explicitClose = true;
    for (const session of [...this.sessions.values()]) {
      session.dropAll('session-closed');
      this.closeSession(session);
    }
    this.terminate();
  }

  private onPeerError(packet: Packet): void {
    const error = decodeError(packet.metadata);
    this.host.logger?.warn?.(
      `peer ERROR 0x${error.errorCode.toString(16)} (fatal ${error.isFatal}) on ${this.carrierConnection.id}`,
    );
    if (error.isFatal) this.terminate();
  }

  // Helpers -----------------------------------------------------------------------------------

  /**
   * The session a packet names, if it lives on this connection. A session id that belongs to
   * another connection or to no one is refused on every message type.
   */
  private sessionFor(sessionId: number, frameId: number): NnrpSession | undefined {
    const session = this.sessions.get(sessionId);
    if (session) return session;
    if (this.flowValue === 'hello') {
      this.sendError(ErrorCode.InvalidState, ErrorScope.Session, false, 'unknown session', {
        relatedSessionId: sessionId,
        relatedFrameId: frameId,
      });
    } else {
      this.fatal(ErrorCode.InvalidState, `unknown session ${sessionId}`, ErrorScope.Session);
    }
    return undefined;
  }

  private closeSession(session: NnrpSession): void {
    session.state = 'closed';
    this.sessions.delete(session.id);
    this.host.sessions.remove(session.id);
    this.host.dispatcher.sessionClosed(session);
  }

  /** The connection is gone: park resumable sessions, close the others. */
  private releaseSession(session: NnrpSession): void {
    const { options, sessions } = this.host;
    session.detach();
    if (
      session.resumeEnabled &&
      session.acceptsFrames &&
      !this.explicitClose &&
      !this.host.shuttingDown
    ) {
      sessions.detach(session, options.resumeWindowMs, (expired) => {
        expired.state = 'closed';
        this.host.dispatcher.sessionClosed(expired);
      });
      return;
    }
    session.state = 'closed';
    sessions.remove(session.id);
    this.host.dispatcher.sessionClosed(session);
  }

  private serialControl(step: () => Promise<void>): void {
    this.controlChain = this.controlChain.then(step).catch((error: unknown) => {
      this.host.logger?.error?.(`control step failed: ${(error as Error).message}`);
    });
  }

  private onProtocolError(error: unknown): void {
    if (!isNnrpProtocolError(error)) {
      this.host.logger?.error?.(`connection ${this.carrierConnection.id}: ${String(error)}`);
      this.fatal(ErrorCode.InternalError, 'internal error');
      return;
    }
    const code =
      error.kind === NnrpErrorKind.TooLarge
        ? ErrorCode.LimitExceeded
        : error.field.startsWith('header')
          ? ErrorCode.MalformedHeader
          : ErrorCode.MalformedBody;
    this.fatal(code, error.message);
  }

  /** Connection-fatal problem (decisions.md §16): ERROR, flush, end, close after a grace. */
  private fatal(
    code: ErrorCode,
    diagnostic: string,
    scope: ErrorScope = ErrorScope.Connection,
    related: { relatedSessionId?: number; relatedFrameId?: number } = {},
  ): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.host.logger?.warn?.(
      `closing ${this.carrierConnection.id} (${this.remoteAddress}): ${diagnostic}`,
    );
    this.sendError(code, scope, true, diagnostic, related);
    this.terminate();
  }

  private sendError(
    errorCode: number,
    errorScope: ErrorScope,
    isFatal: boolean,
    diagnostic: string,
    related: { relatedSessionId?: number; relatedFrameId?: number } = {},
  ): void {
    const body = Buffer.from(diagnostic, 'utf8');
    this.send(
      { messageType: MessageType.Error },
      encodeError({
        errorCode,
        errorScope,
        isFatal,
        retryAfterMs: 0,
        relatedSessionId: related.relatedSessionId ?? 0,
        relatedFrameId: related.relatedFrameId ?? 0,
        relatedViewId: 0,
        diagnosticBytes: body.length,
      }),
      body,
      undefined,
      isFatal,
    );
  }

  private send(
    address: PacketAddress,
    metadata: Buffer,
    body: Buffer,
    via: InboundStream | undefined,
    fatalError: boolean,
    answer?: FrameAnswer,
  ): void {
    const carrier = this.carrierConnection;
    if (this.state === 'closed' || carrier.closed) return;
    if (this.flowValue !== 'hello' && !maySendToOpenFlow(address.messageType, fatalError)) return;
    const parts = encodePacketParts(address, metadata, body);
    let ok: boolean;
    if (
      carrier.supportsUniStreams &&
      fatalError &&
      (this.uniResultsSent || !this.controlStreamSeen)
    ) {
      // The connection's last word in the Python model: on a uni stream (the client may have
      // opened no control stream at all), after every result already sent, so the client never
      // sees a result after the fatal ERROR (decisions.md §16).
      ok = carrier.writeOnNewUniStream(parts, LAST_WORD_ORDERING);
    } else if (via?.kind === 'uni' && carrier.supportsUniStreams) {
      this.uniResultsSent = true;
      ok = carrier.writeOnNewUniStream(parts, resultStreamOrdering(address, answer));
    } else if (carrier.supportsUniStreams && !this.controlStreamSeen) {
      // Nothing to answer on but a stream of our own (a uni-only client): routed by type.
      ok = carrier.writeOnNewUniStream(parts);
    } else {
      ok = carrier.write(parts, via?.kind === 'bidi' ? via.id : this.controlStreamId);
    }
    this.lastOutbound = performance.now();
    this.host.bytesTransferred('out', parts[0].length + body.length);
    if (!ok) this.onCongested();
  }

  /**
   * Backpressure (decisions.md: no queue is unbounded): stop reading a client whose writes back
   * up; past the hard limit, drop its frames and close the connection.
   */
  private onCongested(): void {
    const { limits } = this.host.options;
    if (this.carrierConnection.bufferedBytes > limits.writeHardLimitBytes) {
      // Torn down after the current write returns: the frame being answered must not be
      // failed from inside its own write.
      if (!this.overflowing) {
        this.overflowing = true;
        queueMicrotask(() => this.abandonSlowReader());
      }
      return;
    }
    // Stop reading the client's submits while its answers back up past the high-water mark.
    if (!this.readingPaused && this.carrierConnection.bufferedBytes > limits.writeHighWaterBytes) {
      this.readingPaused = true;
      this.carrierConnection.pauseReading();
    }
  }

  /** A client that does not read its results: drop its frames, close the connection. */
  private abandonSlowReader(): void {
    this.host.logger?.warn?.(`${this.carrierConnection.id}: client does not read; closing`);
    for (const session of this.sessions.values()) session.dropAll('backpressure', false);
    this.carrierConnection.destroy();
  }

  private startLiveness(): void {
    const { idleTimeoutMs, keepaliveIntervalMs } = this.host.options;
    const keepalive = this.flowValue === 'hello' ? keepaliveIntervalMs : 0;
    const periods = [idleTimeoutMs, keepalive].filter((ms) => ms > 0);
    if (periods.length === 0 || this.livenessTimer) return;
    const tick = Math.max(1, Math.min(...periods) / 4);
    this.livenessTimer = setInterval(() => {
      const now = performance.now();
      if (
        idleTimeoutMs > 0 &&
        now - this.lastInbound >= idleTimeoutMs &&
        this.inFlightCount === 0
      ) {
        this.fatal(ErrorCode.InvalidState, 'idle timeout');
        return;
      }
      if (keepalive > 0 && now - Math.max(this.lastInbound, this.lastOutbound) >= keepalive) {
        this.send(
          { messageType: MessageType.Ping, flags: HeaderFlag.CanDrop },
          EMPTY,
          EMPTY,
          undefined,
          false,
        );
      }
    }, tick);
    this.livenessTimer.unref();
  }

  private clearTimers(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.handshakeTimer = undefined;
    this.livenessTimer = undefined;
  }
}

/**
 * How a result's uni stream is ordered against the other result streams of its frame (Python
 * model). QUIC does not order streams, so the terminal answer is opened only once every earlier
 * result stream of the frame is acknowledged: no partial can reach the client after it
 * (decisions.md §11). Partials go out at once; refusals of frames never accepted need no order.
 */
function resultStreamOrdering(
  address: PacketAddress,
  answer: FrameAnswer | undefined,
): UniStreamOrdering | undefined {
  const frameId = address.frameId ?? 0;
  if (answer === undefined || frameId === 0) return undefined;
  const terminal = answer === 'terminal';
  return {
    key: `${address.sessionId ?? 0}:${frameId}`,
    afterAcknowledged: terminal,
    last: terminal,
  };
}

/** Ordering of a fatal ERROR on a uni stream: after every uni stream written before it. */
const LAST_WORD_ORDERING: UniStreamOrdering = {
  key: 'connection-last-word',
  afterAcknowledged: true,
  last: true,
  afterAllStreams: true,
};

/** SESSION_MIGRATE_ACK `accept_code` for a refusal (any non-zero; values are unassigned). */
const MIGRATE_REJECTED = 1;

function requireExactMeta(packet: Packet, length: number, field: string): void {
  if (packet.header.metaLen !== length) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      `${field}.meta_len`,
      `${field} metadata must be exactly ${length} bytes`,
    );
  }
}

/** The ack of a patch applied as sent (the reference leaves applying to the application). */
function defaultPatchAck(
  session: NnrpSession,
  patch: SessionPatchMetadata,
): SessionPatchAckMetadata {
  return {
    ackStatus: PatchAckStatus.Accepted,
    rejectReason: PatchRejectReason.None,
    appliedPatchMask: patch.patchMask,
    rejectedPatchMask: 0,
    retryAfterMs: 0,
    effectiveProfileId: patch.profileId === 0 ? session.profileId : patch.profileId,
    effectiveTargetCadenceX100: patch.targetCadenceX100,
    effectiveQualityTier: patch.qualityTier,
    effectiveDegradePolicy: patch.degradePolicy,
    effectiveLaneMask: patch.activeLaneMask,
    effectiveCodecBitmap: patch.preferredCodecBitmap,
    effectiveCompressionBitmap: patch.preferredCompressionBitmap,
    profilePatchAckBytes: 0,
  };
}

/**
 * The ack of a migrate: accepted unless old = new transport; frames the server already accepted
 * are answered on this connection, so the client replays only what we never saw.
 */
function defaultMigrateAck(
  session: NnrpSession,
  request: SessionMigrateMetadata,
): SessionMigrateAckMetadata {
  const unseen = BigInt(session.lastOperationId + 1);
  return {
    acceptCode: request.oldTransportId === request.newTransportId ? MIGRATE_REJECTED : 0,
    resumeFromFrameId: unseen > request.lastResultFrameId ? unseen : request.lastResultFrameId,
    graceWindowMs: 0,
    serverMigrateTsUs: BigInt(Date.now()) * MICROS_PER_MS,
  };
}
