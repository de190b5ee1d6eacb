import { readFile } from 'node:fs/promises';
import type { NnrpCarrierTarget } from '@nest-nnrp/nest';
import type { CliTarget } from './upscale-arguments';

/**
 * The client connection target of a command-line target: reads the `--ca` PEM file for QUIC.
 * Without `--ca` or `--insecure`, QUIC verifies against Node's bundled root certificates, which
 * the service's generated dev certificate is not signed by.
 */
export async function toCarrierTarget(target: CliTarget): Promise<NnrpCarrierTarget> {
  if (target.carrier === 'tcp') return { tcp: { host: target.host, port: target.port } };
  return {
    quic: {
      host: target.host,
      port: target.port,
      ...(target.caFile === undefined ? {} : { ca: await readFile(target.caFile, 'utf8') }),
      ...(target.insecure ? { insecure: true } : {}),
    },
  };
}
