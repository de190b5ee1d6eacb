import {
  decodeClientHello,
  decodeSessionOpen,
  MessageType,
  Packet,
  StreamFramer,
  TransportId,
} from '@nest-nnrp/protocol';
import type { CarrierConnection, InboundStream } from '../../src/carriers/carrier-connection';
import { QuicCarrier, QuicListener } from '../../src/carriers/quic';
import { FrameResult, NnrpClient } from '../../src/client';
import { AsyncQueue } from './async-queue';
import { helloAckPacket, openAckPacket, resultPacket } from './scripted-packets';
import { copyPacket, requireType } from './scripted-peer';

/** A packet the QUIC peer received, with the stream it came on. */
interface StreamPacket {
  packet: Packet;
  stream: InboundStream;
}

/**
 * The server side of one QUIC connection for the scripted tests: frames every inbound stream
 * on its own and queues the packets with their stream.
 */
class QuicPeerConnection {
  private readonly framers = new Map<number, StreamFramer>();
  private readonly packets = new AsyncQueue<StreamPacket>();

  constructor(readonly connection: CarrierConnection) {
    connection.attach({
      onStreamData: (stream, chunk) => {
        let framer = this.framers.get(stream.id);
        if (!framer) {
          framer = new StreamFramer();
          this.framers.set(stream.id, framer);
        }
        framer.push(chunk, (packet) => this.packets.push({ stream, packet: copyPacket(packet) }));
      },
      onStreamEnd: () => undefined,
      onStreamReset: () => undefined,
      onWritable: () => undefined,
      onClosed: () => undefined,
    });
  }

  /** The next packet, which must be of `type`. */
  async next(type: MessageType): Promise<StreamPacket> {
    const item = await this.packets.next();
    requireType(item.packet, type);
    return item;
  }
}

describe('NnrpClient over QUIC', () => {
  let listener: QuicListener;
  let accepted: Promise<QuicPeerConnection>;
  let client: NnrpClient | undefined;
  const serverConnections: CarrierConnection[] = [];

  beforeEach(async () => {
    let onAccepted!: (peer: QuicPeerConnection) => void;
    accepted = new Promise((resolve) => (onAccepted = resolve));
    listener = await new QuicCarrier({ dev: true, host: '127.0.0.1', port: 0 }).listen(
      (connection) => {
        serverConnections.push(connection);
        onAccepted(new QuicPeerConnection(connection));
      },
    );
  });

  afterEach(async () => {
    await client?.destroy();
    client = undefined;
    for (const connection of serverConnections.splice(0)) connection.destroy();
    await listener.close();
  });

  function connect(): Promise<NnrpClient> {
    return NnrpClient.connect({
      quic: {
        host: '127.0.0.1',
        port: listener.address.port,
        ca: listener.certificateChainPem,
        serverName: 'localhost',
      },
    });
  }

  it('runs the SESSION_OPEN flow on the first bidi stream (Rust model)', async () => {
    client = await connect();
    expect(client.transportId).toBe(TransportId.Quic);
    const opening = client.openSession();
    const peer = await accepted;
    const open = await peer.next(MessageType.SessionOpen);
    expect(open.stream.kind).toBe('bidi');
    peer.connection.write(
      [openAckPacket(decodeSessionOpen(open.packet.metadata), { sessionId: 1 })],
      open.stream.id,
    );
    const session = await opening;

    const call = session.submit(Buffer.from('rust'));
    const submit = await peer.next(MessageType.FrameSubmit);
    expect(submit.stream.id).toBe(open.stream.id);
    peer.connection.write([resultPacket(1, 1, 'done')], open.stream.id);
    expect(((await call.done) as FrameResult).body.toString()).toBe('done');
    expect(client.violations).toEqual([]);
  });

  it('submits on uni streams and reads results from server uni streams (Python model)', async () => {
    client = await connect();
    const greeting = client.hello();
    const peer = await accepted;
    const hello = await peer.next(MessageType.ClientHello);
    peer.connection.write(
      [helloAckPacket(5, decodeClientHello(hello.packet.metadata))],
      hello.stream.id,
    );
    const session = await greeting;

    const call = session.submit(Buffer.from('python'), { uni: true });
    const submit = await peer.next(MessageType.FrameSubmit);
    expect(submit.stream.kind).toBe('uni');
    expect(submit.packet.body.toString()).toBe('python');
    // Streams are not ordered with each other: send the final result once the partial is in.
    const partialSeen = new Promise<void>((resolve) => call.onPartial(() => resolve()));
    peer.connection.writeOnNewUniStream([resultPacket(5, 1, 'py', 'both')]);
    await partialSeen;
    peer.connection.writeOnNewUniStream([resultPacket(5, 1, 'python!')]);
    const outcome = (await call.done) as FrameResult;
    expect(outcome.body.toString()).toBe('python!');
    expect(outcome.partials.map((p) => p.body.toString())).toEqual(['py']);
    expect(client.violations).toEqual([]);
  });
});
