import type { CarrierConnection } from '../carriers/carrier-connection';
import { connectQuic } from '../carriers/quic/quic-client';
import { connectTcp } from '../carriers/tcp/tcp-connect';
import type { NnrpCarrierTarget } from './client-options';

/**
 * Opens the carrier connection named by `target`: TCP (or TLS), or QUIC (the native quiche
 * binding is only loaded when a QUIC connection is made).
 */
export async function connectCarrier(target: NnrpCarrierTarget): Promise<CarrierConnection> {
  if (target.tcp) return connectTcp(target.tcp);
  const { host, port, ...options } = target.quic;
  return connectQuic(host, port, options);
}
