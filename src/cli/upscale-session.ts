import {
  ClientSession,
  HmacTokenPolicy,
  NnrpCarrierTarget,
  NnrpClient,
  NnrpClientError,
  QuicCarrierError,
} from '@nest-nnrp/nest';
import { UPSCALE_SCHEMA } from '../upscale/upscale-wire';

/** Payload of the CLI's HMAC token: the principal the service sees. */
export const CLI_TOKEN_PAYLOAD = 'cli';

/** An open tensor session with the super-resolution service. */
export interface UpscaleConnection {
  readonly client: NnrpClient;
  readonly session: ClientSession;
  /** Frames the server lets this session keep in flight (from SESSION_OPEN_ACK; 0 = unlimited). */
  readonly maxInFlight: number;
  /** Closes the session and the connection (never throws: the work is done by then). */
  close(): Promise<void>;
}

/**
 * Connects and opens a SESSION_OPEN-flow tensor session with the service's schema, signed with
 * an HMAC token when `token` (the service's NNRP_AUTH_SECRET) is given. A refused open rejects
 * with an `Error` saying so (and hinting at `--token` when none was sent).
 */
export async function openUpscaleSession(
  target: NnrpCarrierTarget,
  token?: string,
): Promise<UpscaleConnection> {
  const client = await NnrpClient.connect(target).catch((error: unknown) => {
    throw untrusted(error);
  });
  let session: ClientSession;
  try {
    session = await client.openSession({
      profileId: UPSCALE_SCHEMA.profileId,
      schemaId: UPSCALE_SCHEMA.schemaId,
      schemaVersion: UPSCALE_SCHEMA.schemaVersion,
      authBlock:
        token === undefined ? undefined : HmacTokenPolicy.authBlock(token, CLI_TOKEN_PAYLOAD),
    });
  } catch (error) {
    await client.destroy();
    throw refusal(error, token !== undefined);
  }
  return {
    client,
    session,
    maxInFlight: session.ack?.maxInFlightOperations ?? 0,
    close: async () => {
      if (client.isClosed) return;
      await session.close().catch(() => undefined);
      await client.closeConnection('upscale done').catch(() => undefined);
    },
  };
}

/** A QUIC certificate failure, with the way out (the service's certificate is self-signed). */
function untrusted(error: unknown): unknown {
  if (!(error instanceof QuicCarrierError) || error.kind !== 'tls') return error;
  return new Error(
    `QUIC TLS handshake failed (${error.message}): pass --ca with the service's certificate, ` +
      'or --insecure for its generated development certificate',
    { cause: error },
  );
}

function refusal(error: unknown, withToken: boolean): unknown {
  if (!(error instanceof NnrpClientError) || (error.kind !== 'rejected' && error.kind !== 'auth')) {
    return error;
  }
  const hint = withToken ? 'is the token the service secret?' : 'does the service need --token?';
  return new Error(`the service refused the session (${error.message}); ${hint}`, {
    cause: error,
  });
}
