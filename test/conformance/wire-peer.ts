import { connect, Socket } from 'node:net';
import {
  ClientHelloMetadata,
  decodeHeader,
  decodePacket,
  decodeServerHelloAck,
  decodeSessionOpenAck,
  encodeClientHello,
  encodeFrameSubmit,
  encodePacket,
  encodeSessionOpen,
  FrameSubmitMetadata,
  HEADER_LEN,
  HeaderFlag,
  MessageType,
  messageTypeName,
  Packet,
  PacketAddress,
  SessionOpenAckMetadata,
  SessionOpenMetadata,
} from '@nest-nnrp/protocol';
import { DEFAULT_CLIENT_HELLO, DEFAULT_FRAME_SUBMIT, DEFAULT_SESSION_OPEN } from '@nest-nnrp/nest';
import { freshSessionId } from './session-ids';
import { EVENT_TIMEOUT_MS } from './signals';

/** A packet as it came off the wire: its exact bytes and their decoding. */
export interface WirePacket extends Packet {
  readonly bytes: Buffer;
}

/** What a raw FRAME_SUBMIT carries besides its ids. */
export interface RawSubmit {
  metadata?: Partial<FrameSubmitMetadata>;
  body?: Buffer;
  viewId?: number;
  routeId?: number;
  traceId?: bigint;
}

/**
 * A byte-level NNRP peer over plain TCP, for the cases that judge exact bytes: it writes what
 * the test gives it, and splits what the server sends into packets without re-encoding them.
 * Nothing here validates beyond the common header: the test does.
 */
export class WirePeer {
  private static readonly open = new Set<WirePeer>();
  /** Every packet received, in order. */
  readonly packets: WirePacket[] = [];
  /** Every byte received, in order (for checks on the raw stream). */
  readonly stream: Buffer[] = [];
  /** Resolves when the socket is closed. */
  readonly closed: Promise<void>;
  private pending = Buffer.alloc(0);
  private cursor = 0;
  private waiter: (() => void) | undefined;
  private isClosed = false;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.waiter?.();
        resolve();
      }),
    );
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Connects to 127.0.0.1:`port`. */
  static async connect(port: number): Promise<WirePeer> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    const peer = new WirePeer(socket);
    WirePeer.open.add(peer);
    return peer;
  }

  /** Connects and opens a session: the peer and its SESSION_OPEN_ACK (opened or not). */
  static async openOn(
    port: number,
    overrides: Partial<SessionOpenMetadata> = {},
    body?: Buffer,
  ): Promise<{ peer: WirePeer; ack: SessionOpenAckMetadata }> {
    const peer = await WirePeer.connect(port);
    return { peer, ack: await peer.open(overrides, body) };
  }

  /** Destroys every peer still open (afterEach). */
  static async destroyAll(): Promise<void> {
    const peers = [...WirePeer.open];
    WirePeer.open.clear();
    for (const peer of peers) peer.destroy();
    await Promise.all(peers.map((peer) => peer.closed));
  }

  /** Writes bytes as given. */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Encodes and writes one packet. */
  send(address: PacketAddress, metadata?: Buffer, body?: Buffer): void {
    this.sendRaw(encodePacket(address, metadata, body));
  }

  /** The next packet not yet taken, when it arrives (rejects if the connection closes first). */
  async next(timeoutMs = EVENT_TIMEOUT_MS): Promise<WirePacket> {
    const until = performance.now() + timeoutMs;
    while (this.cursor >= this.packets.length) {
      if (this.isClosed) throw new Error('connection closed before the next packet');
      const left = until - performance.now();
      if (left <= 0) throw new Error('no packet arrived in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.packets[this.cursor++];
  }

  /** The next packet, which must be of `type`. */
  async expect(type: MessageType): Promise<WirePacket> {
    const packet = await this.next();
    if (packet.header.messageType !== type) {
      throw new Error(
        `expected ${messageTypeName(type)}, got ${messageTypeName(packet.header.messageType)}`,
      );
    }
    return packet;
  }

  /** CLIENT_HELLO flow (a fresh session id unless given): the SERVER_HELLO_ACK's session id. */
  async hello(overrides: Partial<ClientHelloMetadata> = {}): Promise<number> {
    this.send(
      { messageType: MessageType.ClientHello, flags: HeaderFlag.AckRequired },
      encodeClientHello({
        ...DEFAULT_CLIENT_HELLO,
        authBytes: 0,
        controlExtensionBytes: 0,
        requestedSessionId: freshSessionId(),
        ...overrides,
      }),
    );
    const ack = await this.expect(MessageType.ServerHelloAck);
    return decodeServerHelloAck(ack.metadata).sessionId;
  }

  /** SESSION_OPEN flow (a fresh session id unless given): the SESSION_OPEN_ACK, opened or not. */
  async open(
    overrides: Partial<SessionOpenMetadata> = {},
    body?: Buffer,
  ): Promise<SessionOpenAckMetadata> {
    this.send(
      { messageType: MessageType.SessionOpen },
      encodeSessionOpen({
        ...DEFAULT_SESSION_OPEN,
        requestedSessionId: freshSessionId(),
        ...overrides,
      }),
      body,
    );
    return decodeSessionOpenAck((await this.expect(MessageType.SessionOpenAck)).metadata);
  }

  /** Writes a FRAME_SUBMIT over the all-zero metadata. */
  submit(sessionId: number, frameId: number, submit: RawSubmit = {}): void {
    this.send(
      {
        messageType: MessageType.FrameSubmit,
        sessionId,
        frameId,
        viewId: submit.viewId,
        routeId: submit.routeId,
        traceId: submit.traceId,
      },
      encodeFrameSubmit({ ...DEFAULT_FRAME_SUBMIT, ...submit.metadata }),
      submit.body,
    );
  }

  /** Ends the write side (the server sees end of stream). */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.stream.push(Buffer.from(chunk));
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= HEADER_LEN) {
      const header = decodeHeader(this.pending);
      const length = HEADER_LEN + header.metaLen + header.bodyLen;
      if (this.pending.length < length) break;
      const bytes = Buffer.from(this.pending.subarray(0, length));
      this.pending = this.pending.subarray(length);
      this.packets.push({ ...decodePacket(bytes), bytes });
    }
    this.waiter?.();
  }
}
