import { BaseRpcContext } from '@nestjs/microservices';
import {
  CancelScope,
  decodeTokenChunks,
  OperationState,
  TensorBodyView,
  TokenChunk,
  type ClientHelloMetadata,
  type FrameSubmitMetadata,
  type ObjectReferenceBlock,
  type PacketHeader,
  type SessionOpenMetadata,
} from '@nest-nnrp/protocol';
import type { NnrpAuthRequest } from '../engine/nnrp-auth-policy';
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

  /** The body as a zero-copy view of the received bytes; valid for the handler's lifetime. */
  get body(): Buffer {
    return this.init.body ?? EMPTY;
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

  /** The submit body's token chunks (token profile, data-plane.md §2.11), as zero-copy views. */
  tokens(): TokenChunk[] {
    const frame = this.init.frame;
    if (!frame) throw new Error('tokens() is only available to submit handlers');
    return decodeTokenChunks(frame.metadata, frame.body);
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

  /** Tightens the frame deadline to `ms` from acceptance (the smallest non-zero wins). */
  applyDeadline(ms: number): void {
    this.init.frame?.applyDeadline(ms);
  }

  /** Ends the frame with RESULT_DROP now. */
  drop(reason: DropReason = 'application'): boolean {
    return this.init.frame?.drop(reason) ?? false;
  }
}
