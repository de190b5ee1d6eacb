import type { NnrpCarrierTarget, NnrpEngine } from '@nest-nnrp/nest';
import { RunningService, startService } from '../../src/service';
import { EPHEMERAL_LOOPBACK_ENV } from './ephemeral-service-env';

/** A service started for a test, with what the tests need to reach it. */
export interface ServiceFixture {
  readonly service: RunningService;
  readonly tcp: NnrpCarrierTarget;
  /** QUIC target trusting the generated dev certificate (undefined when QUIC is off). */
  readonly quic: NnrpCarrierTarget | undefined;
  /** `http://127.0.0.1:<port>` of /health and /metrics. */
  readonly http: string;
}

/**
 * Starts the real service (x2 model only, every port ephemeral, loopback only, no logs) with
 * `env` added: tests run side by side without port clashes.
 */
export async function startServiceFixture(
  env: Readonly<Record<string, string>> = {},
): Promise<ServiceFixture> {
  const service = await startService(
    { ...EPHEMERAL_LOOPBACK_ENV, MODEL_SCALES: '2', ...env },
    false,
  );
  const { tcp, quic, http } = service.ports;
  if (tcp === undefined) throw new Error('the service did not report its TCP port');
  const ca = service.transport.unwrap<NnrpEngine>().quicCertificateChainPem;
  return {
    service,
    tcp: { tcp: { host: '127.0.0.1', port: tcp } },
    quic: quic === undefined ? undefined : { quic: { host: '127.0.0.1', port: quic, ca } },
    http: `http://127.0.0.1:${http}`,
  };
}
