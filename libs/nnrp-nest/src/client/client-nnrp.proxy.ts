import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import type {
  HelloOptions,
  NnrpClientConnectOptions,
  OpenSessionOptions,
  SubmitOptions,
} from './client-options';
import type { ClientSession } from './client-session';
import { definedFields } from './defined-fields';
import type { FrameCall } from './frame-call';
import { NnrpClient } from './nnrp-client';
import { NnrpClientError } from './nnrp-client-error';
import type { NnrpClientEvents } from './nnrp-client-events';
import { encodeProxyPayload, headerFieldsOf } from './proxy-payload';

/** Connection status reported on `ClientNnrp.status`. */
export type ClientNnrpStatus = 'connected' | 'disconnected';

/** Options of {@link ClientNnrp}: where to connect, which handshake, submit defaults. */
export type ClientNnrpOptions = NnrpClientConnectOptions & {
  /** `hello`: CLIENT_HELLO (Python clients); `open`: SESSION_OPEN (Rust clients). */
  flow: 'hello' | 'open';
  /** CLIENT_HELLO options when `flow` is `hello`. */
  hello?: HelloOptions;
  /** SESSION_OPEN options when `flow` is `open`. */
  open?: OpenSessionOptions;
  /** Options of every submit (the pattern's header fields override them). */
  submitDefaults?: Omit<SubmitOptions, 'frameId'>;
};

const NOOP = (): void => undefined;

/**
 * A Nest `ClientProxy` over {@link NnrpClient}: one connection and one session.
 *
 * - `send(pattern, data)` submits `data` (Buffer as is, string as UTF-8, anything else as JSON)
 *   and emits every partial result body and the final one (Buffers), then completes; a
 *   RESULT_DROP errors with `NnrpClientError('drop')`. Unsubscribing early cancels the frame.
 * - `emit(pattern, data)` submits and ignores the answer.
 * - A pattern object may carry `routeId`, `viewId` and `traceId` for the submit's header.
 */
export class ClientNnrp extends ClientProxy<NnrpClientEvents, ClientNnrpStatus> {
  private client: NnrpClient | undefined;
  private session: ClientSession | undefined;
  private connecting: Promise<ClientSession> | undefined;
  /** Listeners registered with `on`, applied to every connection this proxy opens. */
  private readonly hooks: ((client: NnrpClient) => void)[] = [];

  constructor(private readonly options: ClientNnrpOptions) {
    super();
  }

  /** Opens the connection and the session (once; again after the connection closed). */
  connect(): Promise<ClientSession> {
    const { client, session } = this;
    if (client && session && !client.isClosed && session.state !== 'closed') {
      return Promise.resolve(session);
    }
    this.connecting ??= this.openSession().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Sends CLOSE and waits for the connection to end. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.session = undefined;
    if (!client) return;
    await client.closeConnection('client close');
    this._status$.next('disconnected');
  }

  /** The underlying {@link NnrpClient}. */
  unwrap<T = NnrpClient>(): T {
    if (!this.client) {
      throw new Error('Not initialized. Please call the "connect" method first.');
    }
    return this.client as unknown as T;
  }

  /** Hooks an {@link NnrpClientEvents} event of the current and every later connection. */
  override on<
    EventKey extends keyof NnrpClientEvents = keyof NnrpClientEvents,
    EventCallback extends NnrpClientEvents[EventKey] = NnrpClientEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    const hook = (client: NnrpClient): void => {
      client.on(event, callback);
    };
    this.hooks.push(hook);
    if (this.client) hook(this.client);
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let call: FrameCall;
    const session = this.session;
    try {
      if (!session) throw new NnrpClientError('closed', 'ClientNnrp is not connected');
      call = session.submit(encodeProxyPayload(packet.data), this.submitOptions(packet.pattern));
    } catch (error) {
      callback({ err: error });
      return NOOP;
    }
    const stopPartials = call.onPartial((event) => callback({ response: event.body }));
    call.done.then(
      (outcome) => {
        if (outcome.kind === 'result') {
          callback({ response: outcome.body, isDisposed: true });
          return;
        }
        callback({
          err: new NnrpClientError('drop', `frame ${call.frameId} was dropped`, {
            sessionId: call.sessionId,
            frameId: call.frameId,
          }),
        });
      },
      (error: unknown) => callback({ err: error }),
    );
    return () => {
      stopPartials();
      // An unsubscribe before the answer means nobody wants it: let the server stop working.
      if (!call.settled && !this.client?.isClosed) session.cancel(call.frameId);
    };
  }

  protected async dispatchEvent<T = undefined>(packet: ReadPacket): Promise<T> {
    const session = await this.connect();
    session.submit(encodeProxyPayload(packet.data), this.submitOptions(packet.pattern));
    // The event counts as emitted once the carrier accepted it without backpressure.
    await this.unwrap<NnrpClient>().drain();
    return undefined as T;
  }

  private async openSession(): Promise<ClientSession> {
    const client = await NnrpClient.connect(this.options);
    for (const hook of this.hooks) hook(client);
    client.on('close', () => {
      if (this.client === client) this._status$.next('disconnected');
    });
    try {
      const session =
        this.options.flow === 'hello'
          ? await client.hello(this.options.hello)
          : await client.openSession(this.options.open);
      this.client = client;
      this.session = session;
      this._status$.next('connected');
      return session;
    } catch (error) {
      await client.destroy();
      throw error;
    }
  }

  private submitOptions(pattern: unknown): SubmitOptions {
    return { ...definedFields(this.options.submitDefaults), ...headerFieldsOf(pattern) };
  }
}
