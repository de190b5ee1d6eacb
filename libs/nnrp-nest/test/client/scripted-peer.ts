import { AddressInfo, createServer, Server, Socket } from 'node:net';
import {
  encodePacket,
  MessageType,
  messageTypeName,
  Packet,
  PacketAddress,
  StreamFramer,
} from '@nest-nnrp/protocol';
import { AsyncQueue } from './async-queue';

/**
 * A scripted NNRP server for client tests: a real `node:net` listener on 127.0.0.1 that frames
 * what the client sends with {@link StreamFramer} and lets the test answer with canned packets.
 * Nothing here uses timers: tests await packets and connection events.
 */
export class ScriptedPeer {
  private readonly all: PeerConnection[] = [];
  private readonly accepted = new AsyncQueue<PeerConnection>();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      const connection = new PeerConnection(socket);
      this.all.push(connection);
      this.accepted.push(connection);
    });
  }

  /** Listens on 127.0.0.1 with a free port. */
  static async start(): Promise<ScriptedPeer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    return new ScriptedPeer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** TCP target for `NnrpClient.connect`. */
  get target(): { tcp: { host: string; port: number } } {
    return { tcp: { host: '127.0.0.1', port: this.port } };
  }

  /** The next accepted connection (in accept order). */
  nextConnection(): Promise<PeerConnection> {
    return this.accepted.next();
  }

  /** Destroys every connection and stops listening. */
  async stop(): Promise<void> {
    for (const connection of this.all) connection.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** One client connection as the scripted server sees it. */
export class PeerConnection {
  /** Resolves when the socket is fully closed. */
  readonly closed: Promise<void>;
  /** Every packet received so far (copied out of the socket chunks). */
  readonly received: Packet[] = [];
  /** True once the client ended its write side. */
  clientEnded = false;
  private readonly framer = new StreamFramer();
  private readonly packets = new AsyncQueue<Packet>();

  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('end', () => {
      this.clientEnded = true;
    });
    socket.on('data', (chunk: Buffer) =>
      this.framer.push(chunk, (packet) => this.deliver(copyPacket(packet))),
    );
  }

  /** The next packet the client sent. */
  nextPacket(): Promise<Packet> {
    return this.packets.next();
  }

  /** The next packet, which must be of `type`. */
  async expectPacket(type: MessageType): Promise<Packet> {
    return requireType(await this.nextPacket(), type);
  }

  /** Encodes and writes one packet. */
  send(address: PacketAddress, metadata?: Buffer, body?: Buffer): void {
    this.socket.write(encodePacket(address, metadata, body));
  }

  /** Writes packets in one chunk, so the client handles them in a single read. */
  sendTogether(packets: readonly Buffer[]): void {
    this.socket.write(Buffer.concat(packets));
  }

  /** Writes raw bytes. */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Ends the server's write side. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private deliver(packet: Packet): void {
    this.received.push(packet);
    this.packets.push(packet);
  }
}

/** Returns `packet` when it is of `type`, else throws (a script step went wrong). */
export function requireType(packet: Packet, type: MessageType): Packet {
  if (packet.header.messageType !== type) {
    throw new Error(
      `expected ${messageTypeName(type)}, got ${messageTypeName(packet.header.messageType)}`,
    );
  }
  return packet;
}

/** Copies a packet out of the chunk it was framed from. */
export function copyPacket(packet: Packet): Packet {
  return {
    header: packet.header,
    metadata: Buffer.from(packet.metadata),
    body: Buffer.from(packet.body),
  };
}
