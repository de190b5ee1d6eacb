/**
 * Bench server of bench/model.bench.ts: the real super-resolution service (`startService`, x2
 * model only, TCP on an ephemeral loopback port, QUIC off, no logs) in its own process, under
 * the bench control protocol (READY <port>, stats, stop).
 */
import { startService } from '../../src/service';
import { EPHEMERAL_LOOPBACK_ENV } from '../../test/service/ephemeral-service-env';
import { serveBenchControl } from '../tcp/server-control';

async function main(): Promise<void> {
  const service = await startService(
    {
      ...EPHEMERAL_LOOPBACK_ENV,
      NNRP_QUIC_PORT: 'off',
      MODEL_SCALES: '2',
      MODEL_THREADS: process.env.MODEL_THREADS ?? '2',
      NNRP_MAX_IN_FLIGHT: process.env.NNRP_MAX_IN_FLIGHT ?? '8',
    },
    false,
  );
  if (service.ports.tcp === undefined) throw new Error('the service reported no TCP port');
  serveBenchControl(service.ports.tcp, () => service.close());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
