import { decodeClientHello, decodeSessionOpen, MessageType } from '@nest-nnrp/protocol';
import { ClientSession, HelloOptions, NnrpClient, OpenSessionOptions } from '../../src/client';
import { helloAckPacket, openAckPacket } from './scripted-packets';
import { PeerConnection, ScriptedPeer } from './scripted-peer';

/** A connected client, the server side of its connection and its session. */
export interface Connected {
  client: NnrpClient;
  peer: PeerConnection;
  session: ClientSession;
}

/** Starts a scripted peer per test and tears every client and the peer down afterwards. */
export function useScriptedPeer(): {
  peer: () => ScriptedPeer;
  connect: () => Promise<{ client: NnrpClient; peer: PeerConnection }>;
} {
  let scripted: ScriptedPeer | undefined;
  const clients: NnrpClient[] = [];

  beforeEach(async () => {
    scripted = await ScriptedPeer.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy()));
    await scripted?.stop();
    scripted = undefined;
  });

  const peer = (): ScriptedPeer => {
    if (!scripted) throw new Error('no scripted peer');
    return scripted;
  };
  return {
    peer,
    connect: async () => {
      const client = await NnrpClient.connect(peer().target);
      clients.push(client);
      return { client, peer: await peer().nextConnection() };
    },
  };
}

/** CLIENT_HELLO flow: the peer answers the hello with SERVER_HELLO_ACK for `sessionId`. */
export async function helloSession(
  connection: { client: NnrpClient; peer: PeerConnection },
  sessionId = 7,
  options: HelloOptions = {},
): Promise<Connected> {
  const pending = connection.client.hello(options);
  const hello = await connection.peer.expectPacket(MessageType.ClientHello);
  connection.peer.sendRaw(helloAckPacket(sessionId, decodeClientHello(hello.metadata)));
  return { ...connection, session: await pending };
}

/** SESSION_OPEN flow: the peer accepts the open with `sessionId`. */
export async function openedSession(
  connection: { client: NnrpClient; peer: PeerConnection },
  sessionId = 1,
  options: OpenSessionOptions = {},
): Promise<Connected> {
  const pending = connection.client.openSession(options);
  const open = await connection.peer.expectPacket(MessageType.SessionOpen);
  connection.peer.sendRaw(openAckPacket(decodeSessionOpen(open.metadata), { sessionId }));
  return { ...connection, session: await pending };
}

/** Resolves once the client has handled `count` more inbound packets (violations recorded). */
export function packetsHandled(client: NnrpClient, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const stop = client.on('packet', () => {
      seen += 1;
      if (seen < count) return;
      stop();
      resolve();
    });
  });
}
