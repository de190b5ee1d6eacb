import { NnrpClient, NnrpClientOptions } from '@nest-nnrp/nest';
import { RawPeer, RawPeerOptions } from '../../bench/fuzz/raw-peer';
import { NnrpTestApp } from './nnrp-test-app';

const open: NnrpClient[] = [];
const openRaw: RawPeer[] = [];

/**
 * Connects a client to a test app over the app's carrier (and, for `quic-uni`, with submits on
 * uni streams). Every client is destroyed by {@link destroyClients}.
 */
export async function connectClient(
  server: Pick<NnrpTestApp, 'mode' | 'port' | 'certificatePem'>,
  options: NnrpClientOptions = {},
): Promise<NnrpClient> {
  const client =
    server.mode === 'tcp'
      ? await NnrpClient.connect({ tcp: { host: '127.0.0.1', port: server.port }, ...options })
      : await NnrpClient.connect({
          quic: { host: '127.0.0.1', port: server.port, ca: server.certificatePem },
          uniSubmits: server.mode === 'quic-uni',
          ...options,
        });
  open.push(client);
  return client;
}

/**
 * Connects a raw (hostile) peer to a test app over the app's carrier and stream model: the QUIC
 * uni model puts each whole FRAME_SUBMIT on its own uni stream. Destroyed by
 * {@link destroyClients}.
 */
export async function connectRawPeer(
  server: Pick<NnrpTestApp, 'mode' | 'port' | 'certificatePem'>,
  options: Omit<RawPeerOptions, 'port' | 'carrier' | 'ca'> = {},
): Promise<RawPeer> {
  const peer = await RawPeer.connect({
    ...options,
    port: server.port,
    carrier: server.mode,
    ca: server.certificatePem,
  });
  openRaw.push(peer);
  return peer;
}

/** Destroys every client and raw peer opened by the test file. */
export async function destroyClients(): Promise<void> {
  for (const peer of openRaw.splice(0)) peer.destroy();
  await Promise.all(open.splice(0).map((client) => client.destroy()));
}

/** The token-profile session the reference Rust server accepts by default. */
export const TOKEN_SESSION = { profileId: 2, schemaId: 0x1001, schemaVersion: 3 } as const;
