import type { CarrierConnection } from '../carriers/carrier-connection';
import { connectTcp } from '../carriers/tcp/tcp-connect';
import type { NnrpCarrierTarget, QuicClientConnectOptions } from './client-options';
import { NnrpClientError } from './nnrp-client-error';

/** Opens the carrier connection named by `target` (TCP, or QUIC when available). */
export async function connectCarrier(target: NnrpCarrierTarget): Promise<CarrierConnection> {
  if (target.tcp) return connectTcp(target.tcp);
  return connectQuic(target.quic);
}

/** Placeholder until the QUIC client carrier (`carriers/quic/quic-client.ts`) exists. */
async function connectQuic(options: QuicClientConnectOptions): Promise<CarrierConnection> {
  throw new NnrpClientError(
    'unsupported',
    `QUIC client not available yet (cannot reach ${options.host}:${options.port})`,
  );
}
