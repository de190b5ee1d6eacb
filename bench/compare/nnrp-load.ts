/** The NNRP rows (and the raw node:net row) use the project's NNRP load client, bench-client. */
import { LoadResult, runLoad } from '../support/bench-client';
import { ClientLoad } from './client-load';
import { MIXED_TIMEOUT_MS, ROUTE } from './handler-logic';

const MIB = 1024 * 1024;

export async function runNnrpLoad(load: ClientLoad, carrier: 'tcp' | 'quic'): Promise<LoadResult> {
  const { workload } = load;
  const result = await runLoad({
    target:
      carrier === 'tcp' ? { carrier, port: load.port } : { carrier, port: load.port, uni: false },
    connections: workload.connections,
    window: workload.window,
    bodyBytes: workload.bodyBytes,
    durationMs: load.durationMs,
    routeId: ROUTE[workload.handler],
    // Every mixed request carries the deadline; the slow ones miss it and come back RESULT_DROP.
    latencyBudget: workload.handler === 'mixed' ? () => MIXED_TIMEOUT_MS : undefined,
  });
  // bench-client counts the terminal packet's body only; a streamed answer is 32 packets that
  // together carry the request's size, like every other answer here.
  const answered = result.frames - result.drops;
  return { ...result, mibPerSecond: (answered * workload.bodyBytes) / result.seconds / MIB };
}
