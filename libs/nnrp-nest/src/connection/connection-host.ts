import type { LoggerService } from '@nestjs/common';
import type { NnrpDispatcher } from '../engine/nnrp-dispatcher';
import type { DropReason } from '../engine/drop-reason';
import type { ResolvedServerOptions } from '../engine/nnrp-server-options';
import type { SessionObserver } from '../session/nnrp-session';
import type { SessionRegistry } from '../session/session-registry';
import type { ServerConnection } from './server-connection';

/** What a server connection needs from the engine that owns it. */
export interface ConnectionHost {
  readonly options: ResolvedServerOptions;
  readonly sessions: SessionRegistry;
  readonly dispatcher: NnrpDispatcher;
  readonly observer: SessionObserver;
  readonly logger: LoggerService | undefined;
  /** True while the server drains for shutdown: no new frames are accepted. */
  readonly shuttingDown: boolean;
  /** Whether `(schemaId, schemaVersion)` is installed (SESSION_OPEN validation). */
  schemaInstalled(schemaId: number, schemaVersion: number): boolean;
  /** A submit was accepted and is about to be dispatched. */
  frameAccepted(): void;
  /** A submit was answered with RESULT_DROP without being dispatched. */
  frameRefused(reason: DropReason): void;
  /** Bytes moved on a connection (metrics). */
  bytesTransferred(direction: 'in' | 'out', bytes: number): void;
  /** The connection is gone. */
  connectionClosed(connection: ServerConnection): void;
}
