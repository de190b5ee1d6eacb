import { NnrpClient, NnrpClientConnectOptions } from '@nest-nnrp/nest';

const open: NnrpClient[] = [];

/** Connects a client to 127.0.0.1:`port`; every client is destroyed by {@link destroyClients}. */
export async function connectClient(
  port: number,
  options: Partial<NnrpClientConnectOptions> = {},
): Promise<NnrpClient> {
  const client = await NnrpClient.connect({
    tcp: { host: '127.0.0.1', port },
    ...options,
  } as NnrpClientConnectOptions);
  open.push(client);
  return client;
}

/** Destroys every client opened by the test file. */
export async function destroyClients(): Promise<void> {
  await Promise.all(open.splice(0).map((client) => client.destroy()));
}

/** The token-profile session the reference Rust server accepts by default. */
export const TOKEN_SESSION = { profileId: 2, schemaId: 0x1001, schemaVersion: 3 } as const;
