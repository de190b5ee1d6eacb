import { NnrpClient, NnrpClientOptions } from '@nest-nnrp/nest';
import { NnrpTestApp } from './nnrp-test-app';

const open: NnrpClient[] = [];

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

/** Destroys every client opened by the test file. */
export async function destroyClients(): Promise<void> {
  await Promise.all(open.splice(0).map((client) => client.destroy()));
}

/** The token-profile session the reference Rust server accepts by default. */
export const TOKEN_SESSION = { profileId: 2, schemaId: 0x1001, schemaVersion: 3 } as const;
