import type { LoggerService } from '@nestjs/common';
import { SchemaRegistry } from '@nest-nnrp/protocol';
import type { Carrier, CarrierConnection, CarrierListener } from '../carriers/carrier-connection';
import { QuicCarrier } from '../carriers/quic/quic-carrier';
import { TcpCarrier } from '../carriers/tcp/tcp-carrier';
import { ConnectionHost } from '../connection/connection-host';
import { ServerConnection } from '../connection/server-connection';
import type { FrameOperation } from '../session/frame-operation';
import type { NnrpSession, SessionObserver } from '../session/nnrp-session';
import { SessionRegistry } from '../session/session-registry';
import { DropReason } from './drop-reason';
import { NnrpDispatcher } from './nnrp-dispatcher';
import { NnrpEngineEvents } from './nnrp-engine-events';
import { ResolvedServerOptions } from './nnrp-server-options';

/** How often shutdown checks whether in-flight frames have drained. */
const DRAIN_POLL_MS = 10;

/**
 * The protocol engine: listeners, connections, the server-wide session registry and the schema
 * registry. It owns all protocol state; application code is reached through the dispatcher.
 */
export class NnrpEngine implements ConnectionHost, SessionObserver {
  readonly sessions = new SessionRegistry();
  private readonly connections = new Set<ServerConnection>();
  private readonly listeners: CarrierListener[] = [];
  private closing = false;

  constructor(
    readonly options: ResolvedServerOptions,
    readonly dispatcher: NnrpDispatcher,
    readonly schemas: SchemaRegistry,
    readonly events: NnrpEngineEvents,
    readonly logger: LoggerService | undefined,
    private readonly extraCarriers: readonly Carrier[] = [],
  ) {}

  get observer(): SessionObserver {
    return this;
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  /** Bound listeners (ports are real when 0 was asked for). */
  get addresses(): { carrier: 'tcp' | 'quic'; host: string; port: number }[] {
    return this.listeners.map((l) => ({ carrier: l.carrier, ...l.address }));
  }

  /** The certificate chain the QUIC listener serves (the generated one with `dev: true`). */
  get quicCertificateChainPem(): string | undefined {
    const quic = this.listeners.find((l) => l.carrier === 'quic') as
      { certificateChainPem?: string } | undefined;
    return quic?.certificateChainPem;
  }

  /** Counters of listeners that keep them (QUIC: datagrams, retries, refusals). */
  listenerStats(): Record<string, unknown>[] {
    return this.listeners
      .map((l) => (l as { stats?: Record<string, unknown> }).stats)
      .filter((stats): stats is Record<string, unknown> => stats !== undefined);
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Starts every configured listener. */
  async start(): Promise<void> {
    const carriers: Carrier[] = [...this.extraCarriers];
    if (this.options.quic) carriers.unshift(new QuicCarrier(this.options.quic));
    if (this.options.tcp) {
      carriers.unshift(
        new TcpCarrier({
          tlsHandshakeTimeoutMs: this.options.handshakeTimeoutMs || undefined,
          maxConnections: this.options.limits.maxConnections,
          ...this.options.tcp,
        }),
      );
    }
    for (const carrier of carriers) {
      this.listeners.push(await carrier.listen((connection) => this.accept(connection)));
    }
  }

  /**
   * Graceful shutdown: stop accepting, give in-flight frames up to `shutdownDrainMs`, drop the
   * rest, close every connection, clear every timer.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // Stop accepting now; a listener's close may settle only once its connections are gone,
    // which the drain below brings about, so it is awaited last.
    const listenersClosed = Promise.all(this.listeners.map((listener) => listener.close()));
    this.listeners.length = 0;
    const deadline = performance.now() + this.options.shutdownDrainMs;
    while (this.inFlight() > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    for (const connection of this.connections) connection.shutdown();
    for (const session of this.sessions.all()) session.dropAll('shutdown', false);
    this.sessions.clear();
    await this.waitForConnections(this.options.closeGraceMs + DRAIN_POLL_MS);
    await listenersClosed;
  }

  schemaInstalled(schemaId: number, schemaVersion: number): boolean {
    return this.schemas.has(schemaId, schemaVersion);
  }

  frameRefused(reason: DropReason): void {
    this.events.frameDropped?.(reason, false);
  }

  frameAccepted(): void {
    this.events.frameAccepted?.();
  }

  bytesTransferred(direction: 'in' | 'out', bytes: number): void {
    this.events.bytes?.(direction, bytes);
  }

  connectionClosed(connection: ServerConnection): void {
    this.connections.delete(connection);
    this.events.connectionClosed?.(connection.carrier);
  }

  frameSettled(
    _session: NnrpSession,
    frame: FrameOperation,
    outcome: 'completed' | DropReason,
  ): void {
    if (outcome === 'completed') {
      this.events.frameCompleted?.(performance.now() - frame.acceptedAt);
    } else {
      this.events.frameDropped?.(outcome, true);
    }
  }

  resultSent(
    _session: NnrpSession,
    _frame: FrameOperation,
    _bytes: number,
    partial: boolean,
  ): void {
    this.events.resultSent?.(partial);
  }

  private accept(carrierConnection: CarrierConnection): void {
    if (this.closing || this.connections.size >= this.options.limits.maxConnections) {
      this.logger?.warn?.(`refusing connection from ${carrierConnection.remoteAddress}: limit`);
      carrierConnection.destroy();
      return;
    }
    const connection = new ServerConnection(carrierConnection, this);
    this.connections.add(connection);
    this.events.connectionOpened?.(connection.carrier);
  }

  private inFlight(): number {
    let total = 0;
    for (const connection of this.connections) total += connection.inFlight;
    return total;
  }

  private async waitForConnections(graceMs: number): Promise<void> {
    const deadline = performance.now() + graceMs;
    while (this.connections.size > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    for (const connection of this.connections) connection.carrierConnection.destroy();
  }
}
