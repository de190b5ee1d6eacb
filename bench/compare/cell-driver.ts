/**
 * The cell driver: a process of its own (forked by driver-handle.ts into its own process group)
 * that, for each cell it is sent, starts the server in yet another process, runs the matching
 * client against it and reports the measurement. Keeping the client out of the orchestrator lets
 * the orchestrator kill a stalled cell, server and client together, and carry on.
 */
import '../quic/register-quic-esm';
import { Logger } from '@nestjs/common';
import { resolve } from 'node:path';
import type { LoadResult } from '../support/bench-client';
import { BenchServerProcess, startBenchServer } from '../support/bench-server-process';
import { ClientLoad } from './client-load';
import { asOrchestratorMessage, CellMeasurement, CellSpec, DriverMessage } from './driver-protocol';
import { runGrpcLoad } from './grpc-load';
import { LoadRecorder } from './load-recorder';
import { runNestTcpLoad } from './nest-tcp-load';
import { runNnrpLoad } from './nnrp-load';
import { busyCpuSeconds, loadAverage1m } from './system-cpu';
import { transportById, TransportSpec } from './transports';
import { WORKLOADS } from './workloads';

const MIB = 1024 * 1024;
const PROGRESS_INTERVAL_MS = 250;
/** The NNRP client reports no progress; 50 ms of client CPU stands in for it (see below). */
const CPU_PROGRESS_UNIT_US = 50_000;

function send(message: DriverMessage): void {
  process.send?.(message);
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Runs the transport's client, reporting progress to the watchdog while it runs. */
async function runClient(transport: TransportSpec, load: ClientLoad): Promise<LoadResult> {
  if (transport.client === 'nnrp-tcp' || transport.client === 'nnrp-quic') {
    // bench-client has no progress hook; a client that receives answers burns CPU, a stalled
    // one does not, so the driver's CPU time is the progress signal for these rows.
    const base = process.cpuUsage();
    const ticker = setInterval(() => {
      const used = process.cpuUsage(base);
      send({
        type: 'progress',
        value: Math.floor((used.user + used.system) / CPU_PROGRESS_UNIT_US),
      });
    }, PROGRESS_INTERVAL_MS);
    try {
      return await runNnrpLoad(load, transport.client === 'nnrp-tcp' ? 'tcp' : 'quic');
    } finally {
      clearInterval(ticker);
    }
  }
  const recorder = new LoadRecorder(load.durationMs);
  const ticker = setInterval(
    () => send({ type: 'progress', value: recorder.frames, answered: recorder.frames }),
    PROGRESS_INTERVAL_MS,
  );
  try {
    await (transport.client === 'nest-tcp' ? runNestTcpLoad : runGrpcLoad)(load, recorder);
    return recorder.result();
  } finally {
    clearInterval(ticker);
  }
}

const PROFILE_PRELOAD = resolve(__dirname, 'cpu-profile-preload.ts');

/**
 * The server's environment. Profiling preloads the profiler, and swc before it: NODE_OPTIONS
 * requires run before the launcher's own `-r @swc-node/register`.
 */
function serverEnv(transport: TransportSpec, cell: CellSpec): Record<string, string> {
  if (!cell.profileDir) return { ...transport.serverEnv };
  const inherited = process.env.NODE_OPTIONS ?? '';
  return {
    ...transport.serverEnv,
    BENCH_CPU_PROFILE_DIR: cell.profileDir,
    NODE_OPTIONS: `${inherited} --require @swc-node/register --require ${PROFILE_PRELOAD}`.trim(),
  };
}

let current: BenchServerProcess | undefined;

async function measure(cell: CellSpec): Promise<CellMeasurement> {
  const transport = transportById(cell.transport);
  const workload = WORKLOADS.find((w) => w.id === cell.workloadId);
  if (!workload) throw new Error(`unknown workload ${cell.workloadId}`);
  const server = (current = await startBenchServer(
    transport.serverScript,
    serverEnv(transport, cell),
  ));
  try {
    const before = await server.stats();
    const loadAverage = loadAverage1m();
    const busyBefore = busyCpuSeconds();
    const clientBefore = cpuSeconds();
    const startUs = monotonicUs();
    const load = await runClient(transport, {
      port: server.port,
      workload,
      durationMs: cell.durationMs,
    });
    const endUs = monotonicUs();
    const clientCpu = cpuSeconds() - clientBefore;
    const busy = busyCpuSeconds() - busyBefore;
    const after = await server.stats();
    const serverCpu = after.cpuSeconds - before.cpuSeconds;
    return {
      load,
      serverCpuSeconds: serverCpu,
      serverPeakRssMiB: after.peakRss / MIB,
      clientCpuSeconds: clientCpu,
      // /proc/stat ticks are 10 ms: small negative noise is clamped.
      foreignCpuSeconds: Math.max(0, busy - serverCpu - clientCpu),
      loadAverage,
      loadWindowUs: [startUs, endUs],
    };
  } finally {
    current = undefined;
    await server.stop();
  }
}

// Nest's ClientTCP logs every closed connection; the result says what went wrong instead.
Logger.overrideLogger(false);

process.on('message', (raw: unknown) => {
  const message = asOrchestratorMessage(raw);
  if (message?.type === 'exit') return process.exit(0);
  if (message?.type !== 'cell') return;
  measure(message.cell).then(
    (measurement) => send({ type: 'result', measurement }),
    (error: unknown) =>
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});

// Orphaned (orchestrator gone): take the server down too rather than leave it listening.
process.on('disconnect', () => {
  const server = current;
  if (!server) process.exit(0);
  else void server.stop().finally(() => process.exit(0));
});

send({ type: 'ready' });
