import { BaseRpcContext } from '@nestjs/microservices';
import {
  CancelScope,
  decodeTokenChunks,
  decodeTypedPayloadBody,
  SchemaRegistry,
  TypedPayloadFrameView,
  OperationState,
  TensorBodyView,
  TokenChunk,
  type ClientHelloMetadata,
  type FrameSubmitMetadata,
  type ObjectReferenceBlock,
  type PacketHeader,
  type ResultHintMetadata,
  type SessionOpenMetadata,
} from '@nest-nnrp/protocol';
import type { NnrpAuthRequest } from '../engine/nnrp-auth-policy';
import { NnrpSchemaError } from '../engine/nnrp-schema-error';
import { DropReason } from '../engine/drop-reason';
import { NnrpResultLike, toNnrpResult } from '../engine/nnrp-result';
import { cacheIdOfReference } from '../session/cache-store';
import type { FrameOperation } from '../session/frame-operation';
import type { NnrpSession } from '../session/nnrp-session';
import { NnrpHandlerKind } from './nnrp-constants';

/** The session a handler runs for, as the application sees it. */
export interface NnrpSessionInfo {
  readonly id: number;
  /** `hello` (CLIENT_HELLO, Python clients) or `open` (SESSION_OPEN, Rust clients). */
  readonly flow: 'hello' | 'open';
  readonly profileId: number;
  readonly schemaId: number;
  readonly schemaVersion: number;
  /** Who the auth policy said the client is; `undefined` without a policy. */
  readonly principal: string | undefined;
  readonly open: SessionOpenMetadata | undefined;
  readonly hello: ClientHelloMetadata | undefined;
  /** Per-session application state. */
  readonly data: Map<string, unknown>;
}

/** What one handler invocation is about. */
export interface NnrpContextInit {
  readonly kind: NnrpHandlerKind;
  readonly session?: NnrpSession;
  readonly frame?: FrameOperation;
  readonly header?: PacketHeader;
  readonly metadata?: unknown;
  readonly body?: Buffer;
  readonly auth?: NnrpAuthRequest;
  /** The server's schema registry (typed payload binding checks). */
  readonly schemas?: SchemaRegistry;
  readonly carrier: 'tcp' | 'quic';
  readonly remoteAddress: string;
}

const EMPTY = Buffer.alloc(0);
const NEVER = new AbortController().signal;

/**
 * The context of an NNRP handler (`@Ctx()`): the session, the packet header and decoded
 * metadata, the zero-copy body, the frame's abort signal and deadline, and ways to answer early.
 */
export class NnrpContext extends BaseRpcContext<[NnrpContextInit]> {
  /** Principal set by `NnrpAuthGuard` during a `session.open` invocation. */
  principal: string | undefined;
  private tensorView: TensorBodyView | undefined;

  constructor(private readonly init: NnrpContextInit) {
    super([init]);
  }

  get kind(): NnrpHandlerKind {
    return this.init.kind;
  }

  get session(): NnrpSessionInfo | undefined {
    return this.init.session;
  }

  /** The packet header (FRAME_SUBMIT, SESSION_PATCH, …). */
  get header(): PacketHeader | undefined {
    return this.init.header;
  }

  /** Decoded metadata of the packet (`FrameSubmitMetadata` for submits). */
  get metadata(): unknown {
    return this.init.metadata;
  }

  /** FRAME_SUBMIT metadata (undefined for other kinds). */
  get submit(): FrameSubmitMetadata | undefined {
    return this.init.frame?.metadata;
  }

  /**
   * The body as a zero-copy view of the received bytes. Borrowed: valid while the frame is in
   * flight and not beyond (l2 buffer ownership); reading it after the frame's terminal answer
   * throws. Keep bytes longer with {@link retainBody}.
   */
  get body(): Buffer {
    this.requireLive();
    return this.init.body ?? EMPTY;
  }

  /** A private copy of the body, valid for as long as the caller keeps it. */
  retainBody(): Buffer {
    return Buffer.from(this.body);
  }

  /** The frame id of a submit (0 otherwise). */
  get frameId(): number {
    return this.init.frame?.frameId ?? 0;
  }

  /** Aborts when the frame is dropped, cancelled or passes its deadline. */
  get signal(): AbortSignal {
    return this.init.frame?.signal ?? NEVER;
  }

  /** Milliseconds left before the frame's deadline (`Infinity` without one). */
  get remainingMs(): number {
    return this.init.frame?.remainingMs() ?? Infinity;
  }

  /** The auth request of a `session.open` invocation. */
  get auth(): NnrpAuthRequest | undefined {
    return this.init.auth;
  }

  get carrier(): 'tcp' | 'quic' {
    return this.init.carrier;
  }

  get remoteAddress(): string {
    return this.init.remoteAddress;
  }

  /** The frame itself (for interceptors: deadlines, state). */
  get frame(): FrameOperation | undefined {
    return this.init.frame;
  }

  /**
   * The submit body as tensor sections and tile ids (decisions.md §4: legacy or composed layout
   * by the submit's metadata), parsed lazily and without copying. Referenced objects resolve
   * from the session's cache. A body that fails validation throws `NnrpProtocolError`, which ends
   * the frame with RESULT_DROP.
   */
  tensor(): TensorBodyView {
    this.requireLive();
    const frame = this.init.frame;
    if (!frame) throw new Error('tensor() is only available to submit handlers');
    const cache = this.init.session?.cache;
    this.tensorView ??= TensorBodyView.ofSubmit(
      frame.metadata,
      frame.body,
      (ref: ObjectReferenceBlock) => cache?.bytesOf(cacheIdOfReference(ref)),
    );
    return this.tensorView;
  }

  /**
   * The submit body's typed payload frames (data-plane.md §2.9), each descriptor's schema
   * binding validated against the server's registry (§9.4). A binding that does not validate
   * throws `NnrpSchemaError` with its stable code (schema_unknown, schema_version_unknown,
   * schema_incompatible, schema_update_rejected): every unknown binding is critical in preview3,
   * which has no way to mark a payload optional. Views are valid while the handler runs.
   */
  typedPayloads(): TypedPayloadFrameView[] {
    this.requireLive();
    const frame = this.init.frame;
    if (!frame) throw new Error('typedPayloads() is only available to submit handlers');
    const frames = decodeTypedPayloadBody(frame.metadata, frame.body);
    const schemas = this.init.schemas;
    for (const { descriptor } of frames) {
      const code = schemas?.validateDescriptorBinding(descriptor);
      if (code !== undefined) throw new NnrpSchemaError(code);
    }
    return frames;
  }

  /** The submit body's token chunks (token profile, data-plane.md §2.11), as zero-copy views. */
  tokens(): TokenChunk[] {
    this.requireLive();
    const frame = this.init.frame;
    if (!frame) throw new Error('tokens() is only available to submit handlers');
    return decodeTokenChunks(frame.metadata, frame.body);
  }

  /** Borrowed views end with the frame: a late reader gets an error, not stale bytes. */
  private requireLive(): void {
    if (this.init.frame?.settled) {
      throw new Error(
        `frame ${this.init.frame.frameId} is settled: its body views are no longer valid (use retainBody())`,
      );
    }
  }

  /** Sends a partial (non-terminal) result now. Returns false once the frame is settled. */
  sendPartial(result: NnrpResultLike): boolean {
    return this.init.frame?.pushPartial(toNnrpResult(result)) ?? false;
  }

  /** The frame's operation state (data-plane.md §7.3). */
  get operationState(): OperationState | undefined {
    return this.init.frame?.state;
  }

  /**
   * Marks the operation as waiting for a tool (`true`) or running again (`false`); a partial or
   * final result also ends the wait. Returns false when the state does not allow it.
   */
  setWaitingTool(waiting: boolean): boolean {
    return this.init.frame?.setWaitingTool(waiting) ?? false;
  }

  /**
   * Cancels operations of this session around this frame (data-plane.md §7.4): `Operation` (this
   * one), `Subtree` (this one and the frames depending on it through `dependency_frame_id`),
   * `Group` (every frame of this frame's `view_id` lane) or `Session`. Each cancelled frame ends
   * with RESULT_DROP. Returns the cancelled frame ids.
   */
  cancelOperations(scope: CancelScope): number[] {
    const frame = this.init.frame;
    const session = this.init.session;
    if (!frame || !session || frame.settled) return [];
    return session.cancelScope(frame.frameId, scope);
  }

  /**
   * Tells the client how its frames fare (RESULT_HINT: applied budget policy, congestion,
   * reason, retry-after), about this frame (or the session outside a submit). Sent to
   * CLIENT_HELLO-flow clients only; SESSION_OPEN-flow (Rust 3.8) clients cannot take it.
   */
  sendHint(hint: Partial<ResultHintMetadata>): void {
    this.init.session?.sendHint(this.frameId, {
      appliedBudgetPolicy: hint.appliedBudgetPolicy ?? 0,
      congestionState: hint.congestionState ?? 0,
      reason: hint.reason ?? 0,
      retryAfterMs: hint.retryAfterMs ?? 0,
    });
  }

  /** Grants the session more operation credit (a FLOW_UPDATE grant, data-plane.md §7.6). */
  grantCredit(units: number): void {
    this.init.session?.grantCredit(units);
  }

  /** Tightens the frame deadline to `ms` from acceptance (the smallest non-zero wins). */
  applyDeadline(ms: number): void {
    this.init.frame?.applyDeadline(ms);
  }

  /** Ends the frame with RESULT_DROP now. */
  drop(reason: DropReason = 'application'): boolean {
    return this.init.frame?.drop(reason) ?? false;
  }
}
