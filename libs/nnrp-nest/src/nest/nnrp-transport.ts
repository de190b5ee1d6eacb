import { EventEmitter } from 'node:events';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import {
  CachePutMetadata,
  SchemaDescriptorHeader,
  SchemaRegistry,
  SessionMigrateAckMetadata,
  SessionMigrateMetadata,
  SessionPatchAckMetadata,
  SessionPatchMetadata,
} from '@nest-nnrp/protocol';
import { isObservable, lastValueFrom, Observable } from 'rxjs';
import { NnrpAuthRequest } from '../engine/nnrp-auth-policy';
import { NnrpAuthOutcome, NnrpDispatcher } from '../engine/nnrp-dispatcher';
import { dropOfError } from '../engine/drop-of-error';
import { NnrpDrop } from '../engine/nnrp-drop';
import { NnrpEngine } from '../engine/nnrp-engine';
import { NnrpEngineEvents } from '../engine/nnrp-engine-events';
import { NnrpResultLike, toNnrpResult } from '../engine/nnrp-result';
import { NnrpServerOptions, resolveServerOptions } from '../engine/nnrp-server-options';
import {
  authErrorCode,
  DEFAULT_AUTH_ERROR_CODE,
  evaluateAuthPolicy,
} from '../engine/evaluate-auth-policy';
import type { FrameOperation } from '../session/frame-operation';
import type { NnrpSession } from '../session/nnrp-session';
import { NNRP_EXTRAS_KEY, NNRP_TRANSPORT, NnrpHandlerKind } from './nnrp-constants';
import { NnrpContext, NnrpContextInit } from './nnrp-context';
import { NnrpSubmitPattern } from './nnrp-submit-pattern';
import { SubmitRouter } from './submit-router';

/** Options of {@link NnrpTransport}. */
export interface NnrpTransportOptions extends NnrpServerOptions {
  /** Schemas installed next to the standard token-delta schema (SESSION_OPEN validation). */
  schemas?: SchemaDescriptorHeader[];
  /** Maps header `route_id` values to model names for `@NnrpSubmit({ model })`. */
  modelRoutes?: Record<number, string>;
  /** Counters for metrics. */
  events?: NnrpEngineEvents;
}

/** Status values of the transport's `status` observable. */
export type NnrpTransportStatus = 'listening' | 'closed';

/** Events of {@link NnrpTransport.on}. */
export type NnrpTransportEvents = {
  error: (error: Error) => void;
};

interface NnrpExtras {
  kind: NnrpHandlerKind;
  select: NnrpSubmitPattern;
}

/** Marker for "the handler emitted nothing yet". */
const NOTHING = Symbol('nothing');

/**
 * NNRP/1 as a Nest microservice transport (`CustomTransportStrategy`). The engine under it owns
 * every piece of protocol state; this class maps NNRP events to Nest handlers, so guards,
 * interceptors, pipes and filters apply as with Nest's own transports.
 *
 * ```ts
 * const app = await NestFactory.createMicroservice(AppModule, {
 *   strategy: new NnrpTransport({ tcp: { host: '0.0.0.0', port: 4433 } }),
 * });
 * ```
 */
export class NnrpTransport
  extends Server<NnrpTransportEvents, NnrpTransportStatus>
  implements CustomTransportStrategy, NnrpDispatcher
{
  private engine: NnrpEngine | undefined;
  private readonly emitter = new EventEmitter();
  private readonly router: SubmitRouter;
  private readonly single = new Map<NnrpHandlerKind, MessageHandler>();

  constructor(private readonly transportOptions: NnrpTransportOptions = {}) {
    super();
    this.transportId = NNRP_TRANSPORT;
    this.router = new SubmitRouter(transportOptions.modelRoutes);
  }

  /** Bound listeners (the real ports when 0 was asked for). */
  get addresses(): { carrier: 'tcp' | 'quic'; host: string; port: number }[] {
    return this.engine?.addresses ?? [];
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.collectHandlers();
      const options = resolveServerOptions(this.transportOptions);
      const schemas = SchemaRegistry.withStandardPreview3Profiles();
      for (const descriptor of this.transportOptions.schemas ?? []) {
        const installed = schemas.install(descriptor);
        if (!installed.ok) {
          throw new Error(
            `schema 0x${descriptor.schemaId.toString(16)} v${descriptor.schemaVersion} refused: 0x${installed.code.toString(16)}`,
          );
        }
      }
      const logger =
        this.transportOptions.logger === false
          ? undefined
          : (this.transportOptions.logger ?? this.logger);
      this.engine = new NnrpEngine(
        options,
        this,
        schemas,
        this.transportOptions.events ?? {},
        logger,
      );
      await this.engine.start();
      this._status$.next('listening');
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.engine?.close();
    this._status$.next('closed');
  }

  on<K extends keyof NnrpTransportEvents>(event: K, callback: NnrpTransportEvents[K]): void {
    this.emitter.on(event, callback);
  }

  /** The protocol engine (sessions, connections, listeners). */
  unwrap<T = NnrpEngine>(): T {
    if (!this.engine) throw new Error('NnrpTransport is not listening');
    return this.engine as T;
  }

  // NnrpDispatcher ----------------------------------------------------------------------------

  async authorize(request: NnrpAuthRequest): Promise<NnrpAuthOutcome> {
    const handler = this.single.get('session.open');
    if (!handler) {
      const policy = this.transportOptions.auth;
      return policy ? evaluateAuthPolicy(policy, request) : { ok: true, principal: undefined };
    }
    const ctx = this.context({
      kind: 'session.open',
      auth: request,
      carrier: request.carrier,
      remoteAddress: request.remoteAddress,
    });
    try {
      const value = await this.lastValue(handler(request, ctx));
      if (value === false) return { ok: false, errorCode: DEFAULT_AUTH_ERROR_CODE };
      return {
        ok: true,
        principal: ctx.principal ?? (typeof value === 'string' ? value : undefined),
      };
    } catch (error) {
      return { ok: false, errorCode: authErrorCode(error) };
    }
  }

  submit(session: NnrpSession, frame: FrameOperation): void {
    const handler = this.router.match(session, frame);
    if (!handler) {
      frame.drop('no-handler');
      return;
    }
    const connection = session.connection;
    const ctx = this.context({
      kind: 'submit',
      session,
      frame,
      header: frame.header,
      metadata: frame.metadata,
      body: frame.body,
      carrier: connection?.carrier ?? 'tcp',
      remoteAddress: connection?.remoteAddress ?? '',
    });
    frame.start();
    let output: unknown;
    try {
      output = handler(frame.body, ctx);
    } catch (error) {
      this.failFrame(frame, error);
      return;
    }
    // Nest handlers return a promise of a value or of an Observable; a plain value skips rxjs.
    if (output instanceof Promise) {
      output.then(
        (value: unknown) => this.guard(frame, () => this.settle(frame, value)),
        (error: unknown) => this.failFrame(frame, error),
      );
    } else {
      this.guard(frame, () => this.settle(frame, output));
    }
  }

  /** Turns a handler's output into the frame's answers (decisions.md §11–12). */
  private settle(frame: FrameOperation, value: unknown): void {
    if (frame.settled) return;
    if (isObservable(value)) {
      this.stream(frame, value);
    } else if (value instanceof NnrpDrop) {
      frame.drop(value.reason, true, value.errorCode);
    } else {
      frame.complete(toNnrpResult(value as NnrpResultLike));
    }
  }

  /**
   * decisions.md §12: every emission but the last is partial, the last is terminal, none is a
   * drop. The last one is known only on completion, so each is held back by one.
   */
  private stream(frame: FrameOperation, value$: Observable<unknown>): void {
    let last: unknown = NOTHING;
    const subscription = value$.subscribe({
      next: (value) =>
        this.guard(frame, () => {
          if (value instanceof NnrpDrop) {
            frame.drop(value.reason, true, value.errorCode);
            return;
          }
          if (last !== NOTHING) frame.pushPartial(toNnrpResult(last as NnrpResultLike));
          last = value;
        }),
      error: (error: unknown) => this.failFrame(frame, error),
      complete: () =>
        this.guard(frame, () => {
          if (last === NOTHING) frame.drop('empty-stream');
          else frame.complete(toNnrpResult(last as NnrpResultLike));
        }),
    });
    if (frame.settled) subscription.unsubscribe();
    else frame.onAbort(() => subscription.unsubscribe());
  }

  cancel(session: NnrpSession, frame: FrameOperation): void {
    this.notify('cancel', frame.header, session, frame);
  }

  async patch(
    session: NnrpSession,
    patch: SessionPatchMetadata,
    body: Buffer,
  ): Promise<Partial<SessionPatchAckMetadata> | undefined> {
    const handler = this.single.get('patch');
    if (!handler) return undefined;
    const ctx = this.sessionContext('patch', session, patch, body);
    return (await this.lastValue(handler(patch, ctx))) as
      Partial<SessionPatchAckMetadata> | undefined;
  }

  async migrate(
    session: NnrpSession,
    request: SessionMigrateMetadata,
  ): Promise<Partial<SessionMigrateAckMetadata> | undefined> {
    const handler = this.single.get('migrate');
    if (!handler) return undefined;
    const ctx = this.sessionContext('migrate', session, request);
    return (await this.lastValue(handler(request, ctx))) as
      Partial<SessionMigrateAckMetadata> | undefined;
  }

  cachePut(session: NnrpSession, put: CachePutMetadata, bytes: Buffer): void {
    const handler = this.single.get('cache.put');
    if (!handler) return;
    const ctx = this.sessionContext('cache.put', session, put, bytes);
    this.lastValue(handler(bytes, ctx)).catch((error: unknown) => this.reportError(error));
  }

  sessionOpened(_session: NnrpSession): void {
    this.transportOptions.events?.sessionOpened?.();
  }

  sessionClosed(session: NnrpSession): void {
    this.transportOptions.events?.sessionClosed?.();
    this.notify('session.close', undefined, session);
  }

  // Internals ---------------------------------------------------------------------------------

  private collectHandlers(): void {
    for (const handler of this.messageHandlers.values()) {
      const extras = (handler.extras as Record<string, unknown> | undefined)?.[NNRP_EXTRAS_KEY] as
        NnrpExtras | undefined;
      if (!extras) continue;
      if (extras.kind === 'submit') this.router.add(extras.select, handler);
      else this.single.set(extras.kind, handler);
    }
  }

  private context(init: NnrpContextInit): NnrpContext {
    return new NnrpContext({ ...init, schemas: this.engine?.schemas });
  }

  /**
   * The schema registry sessions and typed payloads are validated against (data-plane.md §9):
   * install, update and invalidate schemas at run time; each answer carries a stable code.
   */
  get schemas(): SchemaRegistry {
    return this.unwrap<NnrpEngine>().schemas;
  }

  private sessionContext(
    kind: NnrpHandlerKind,
    session: NnrpSession,
    metadata?: unknown,
    body?: Buffer,
  ): NnrpContext {
    return this.context({
      kind,
      session,
      metadata,
      body,
      carrier: session.connection?.carrier ?? 'tcp',
      remoteAddress: session.connection?.remoteAddress ?? '',
    });
  }

  /** Runs an event handler; its result and errors only get logged. */
  private notify(
    kind: NnrpHandlerKind,
    header: FrameOperation['header'] | undefined,
    session: NnrpSession,
    frame?: FrameOperation,
  ): void {
    const handler = this.single.get(kind);
    if (!handler) return;
    const ctx = this.context({
      kind,
      session,
      frame,
      header,
      carrier: session.connection?.carrier ?? 'tcp',
      remoteAddress: session.connection?.remoteAddress ?? '',
    });
    this.lastValue(handler(frame?.frameId ?? session.id, ctx)).catch((error: unknown) =>
      this.reportError(error),
    );
  }

  private async lastValue(result: Promise<unknown>): Promise<unknown> {
    const value$ = this.transformToObservable(await result) as Observable<unknown>;
    return lastValueFrom(value$, { defaultValue: undefined });
  }

  /**
   * Runs answer-side work of a frame so that no exception can escape into rxjs (which rethrows
   * it asynchronously and would end the process): a failure becomes that frame's drop.
   */
  private guard(frame: FrameOperation, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.failFrame(frame, error);
    }
  }

  private failFrame(frame: FrameOperation, error: unknown): void {
    const drop = dropOfError(error);
    if (drop) {
      frame.drop(drop.reason, true, drop.errorCode);
      return;
    }
    frame.drop('handler-error');
    this.reportError(error);
  }

  private reportError(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(JSON.stringify(error));
    if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', failure);
  }
}
