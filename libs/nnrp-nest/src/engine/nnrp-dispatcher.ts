import type {
  CachePutMetadata,
  SessionMigrateAckMetadata,
  SessionMigrateMetadata,
  SessionPatchAckMetadata,
  SessionPatchMetadata,
} from '@nest-nnrp/protocol';
import type { FrameOperation } from '../session/frame-operation';
import type { NnrpSession } from '../session/nnrp-session';
import type { NnrpAuthRequest } from './nnrp-auth-policy';

/** Outcome of a handshake's auth step. */
export type NnrpAuthOutcome =
  | { readonly ok: true; readonly principal: string | undefined }
  | { readonly ok: false; readonly errorCode: number };

/**
 * What the protocol engine asks of the application layer (the Nest transport implements it).
 * The engine owns protocol state; the dispatcher only runs application code.
 */
export interface NnrpDispatcher {
  /** Runs the auth policy of a CLIENT_HELLO or SESSION_OPEN (decisions.md §9). */
  authorize(request: NnrpAuthRequest): Promise<NnrpAuthOutcome>;
  /** Hands an accepted frame to its handler; the handler answers through the frame. */
  submit(session: NnrpSession, frame: FrameOperation): void;
  /** A client cancelled a frame in flight (it is dropped right after this call). */
  cancel(session: NnrpSession, frame: FrameOperation): void;
  /** Lets the application shape a SESSION_PATCH_ACK; `undefined` accepts the patch as sent. */
  patch(
    session: NnrpSession,
    patch: SessionPatchMetadata,
    body: Buffer,
  ): Promise<Partial<SessionPatchAckMetadata> | undefined>;
  /** Lets the application shape a SESSION_MIGRATE_ACK; `undefined` accepts. */
  migrate(
    session: NnrpSession,
    request: SessionMigrateMetadata,
  ): Promise<Partial<SessionMigrateAckMetadata> | undefined>;
  /** A client's CACHE_PUT was stored (the bytes are a view valid during the call). */
  cachePut(session: NnrpSession, put: CachePutMetadata, bytes: Buffer): void;
  /** A session opened (or resumed). */
  sessionOpened(session: NnrpSession): void;
  /** A session closed (client close, connection CLOSE, expiry, shutdown). */
  sessionClosed(session: NnrpSession): void;
}
