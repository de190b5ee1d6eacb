import { applyDecorators, SetMetadata } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import {
  NNRP_EXTRAS_KEY,
  NNRP_TIMEOUT_METADATA,
  NNRP_TRANSPORT,
  NnrpHandlerKind,
} from './nnrp-constants';
import { NnrpSubmitPattern } from './nnrp-submit-pattern';

/** Options of {@link NnrpSubmit}. */
export interface NnrpSubmitOptions extends NnrpSubmitPattern {
  /** The handler's own timeout in ms; tightens the frame deadline (decisions.md §13). */
  timeoutMs?: number;
}

function nnrpMessage(kind: NnrpHandlerKind, select: object = {}): MethodDecorator {
  return MessagePattern({ nnrp: kind, ...select }, NNRP_TRANSPORT, {
    [NNRP_EXTRAS_KEY]: { kind, select },
  });
}

function nnrpEvent(kind: NnrpHandlerKind): MethodDecorator {
  return EventPattern({ nnrp: kind }, NNRP_TRANSPORT, { [NNRP_EXTRAS_KEY]: { kind, select: {} } });
}

/**
 * Handles FRAME_SUBMIT. `@Payload()` is the body (a zero-copy Buffer), `@Ctx()` the
 * `NnrpContext`. Return a body, an `NnrpResult` or an Observable of them (streaming); return or
 * throw `NnrpDrop` to drop the frame.
 */
export function NnrpSubmit(options: NnrpSubmitOptions = {}): MethodDecorator {
  const { timeoutMs, ...select } = options;
  return applyDecorators(
    nnrpMessage('submit', select),
    SetMetadata(NNRP_TIMEOUT_METADATA, timeoutMs),
  );
}

/** Handles SESSION_PATCH; may return a partial SESSION_PATCH_ACK (default: accepted as sent). */
export function NnrpPatch(): MethodDecorator {
  return nnrpMessage('patch');
}

/** Notified when a client cancels a frame (the frame is dropped and its signal aborts anyway). */
export function NnrpCancel(): MethodDecorator {
  return nnrpEvent('cancel');
}

/** Handles SESSION_MIGRATE; may return a partial SESSION_MIGRATE_ACK. */
export function NnrpMigrate(): MethodDecorator {
  return nnrpMessage('migrate');
}

/**
 * Runs for every CLIENT_HELLO and SESSION_OPEN before it is accepted: guard it with
 * `NnrpAuthGuard` to enforce an auth policy. Returning `false` rejects; a string is the principal.
 */
export function NnrpSessionOpen(): MethodDecorator {
  return nnrpMessage('session.open');
}

/** Notified when a session closes (client close, connection CLOSE, expiry or shutdown). */
export function NnrpSessionClose(): MethodDecorator {
  return nnrpEvent('session.close');
}

/** Notified of every accepted CACHE_PUT (object bytes as payload). */
export function NnrpCachePut(): MethodDecorator {
  return nnrpEvent('cache.put');
}
