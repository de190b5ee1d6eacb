/**
 * QUIC transport benchmark: NnrpTransport over QUIC (both stream models) next to the same server
 * over TCP, each server in its own process, driven from this process with the same load client.
 * Prints a table and writes bench/results/quic.json. Run: `npm run bench:quic`.
 */
import './quic/register-quic-esm';
import { BenchTarget, LoadResult, runLoad } from './support/bench-client';
import { startBenchServer } from './support/bench-server-process';
import { machine, writeReport } from './support/measure';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const MIB = 1024 * 1024;

const WORKLOADS = {
  'lock-step 1 conn, 64 B': { connections: 1, window: 1, bodyBytes: 64 },
  '8 conns x 16 in flight, 64 B': { connections: 8, window: 16, bodyBytes: 64 },
  '1 conn x 4 in flight, 1 MiB': { connections: 1, window: 4, bodyBytes: MIB },
} as const;

const ROWS: Record<string, { env: Record<string, string>; target: (port: number) => BenchTarget }> =
  {
    'nnrp tcp': { env: {}, target: (port) => ({ carrier: 'tcp', port }) },
    'nnrp quic bidi (Rust model)': {
      env: { BENCH_CARRIER: 'quic' },
      target: (port) => ({ carrier: 'quic', port, uni: false }),
    },
    'nnrp quic uni (Python model)': {
      env: { BENCH_CARRIER: 'quic' },
      target: (port) => ({ carrier: 'quic', port, uni: true }),
    },
  };

interface Measured extends LoadResult {
  serverCpuSeconds: number;
  serverPeakRssMiB: number;
  /** Server CPU per UDP datagram in or out (QUIC rows). */
  cpuUsPerDatagram?: number;
}

async function measure(
  row: (typeof ROWS)[string],
  workload: (typeof WORKLOADS)[keyof typeof WORKLOADS],
): Promise<Measured> {
  const server = await startBenchServer('tcp/nnrp-echo-server.ts', row.env);
  const before = await server.stats();
  const load = await runLoad({
    target: row.target(server.port),
    durationMs: DURATION_MS,
    ...workload,
  });
  const after = await server.stats();
  await server.stop();
  const cpu = after.cpuSeconds - before.cpuSeconds;
  const datagrams =
    (after.listeners ?? []).reduce(
      (sum, s) => sum + (s.datagramsReceived ?? 0) + (s.datagramsSent ?? 0),
      0,
    ) -
    (before.listeners ?? []).reduce(
      (sum, s) => sum + (s.datagramsReceived ?? 0) + (s.datagramsSent ?? 0),
      0,
    );
  return {
    ...load,
    serverCpuSeconds: cpu,
    serverPeakRssMiB: after.peakRss / MIB,
    cpuUsPerDatagram: datagrams > 0 ? (cpu * 1e6) / datagrams : undefined,
  };
}

async function main(): Promise<void> {
  const results: Record<string, Record<string, { median: Measured; runs: Measured[] }>> = {};
  for (const [rowName, row] of Object.entries(ROWS)) {
    results[rowName] = {};
    for (const [workloadName, workload] of Object.entries(WORKLOADS)) {
      const runs: Measured[] = [];
      for (let run = 0; run < RUNS; run++) runs.push(await measure(row, workload));
      const sorted = [...runs].sort((a, b) => a.framesPerSecond - b.framesPerSecond);
      const median = sorted[Math.floor(sorted.length / 2)];
      results[rowName][workloadName] = { median, runs };
      console.log(
        `${rowName.padEnd(30)} ${workloadName.padEnd(30)} ${Math.round(median.framesPerSecond).toString().padStart(7)} frames/s ` +
          `${median.mibPerSecond.toFixed(1).padStart(7)} MiB/s  p50 ${Math.round(median.p50Us)} µs  p99 ${Math.round(median.p99Us)} µs` +
          (median.cpuUsPerDatagram === undefined
            ? ''
            : `  ${median.cpuUsPerDatagram.toFixed(1)} µs CPU/datagram`),
      );
    }
  }
  const quic = results['nnrp quic bidi (Rust model)'];
  const targets = {
    '1 MiB >= 40 MiB/s over QUIC': quic['1 conn x 4 in flight, 1 MiB'].median.mibPerSecond >= 40,
    'lock-step p50 <= 400 µs over QUIC': quic['lock-step 1 conn, 64 B'].median.p50Us <= 400,
    'CPU per datagram <= 25 µs':
      (quic['1 conn x 4 in flight, 1 MiB'].median.cpuUsPerDatagram ?? Infinity) <= 25,
  };
  for (const [target, met] of Object.entries(targets))
    console.log(`target ${target}: ${met ? 'met' : 'MISSED'}`);
  console.log(
    `report: ${writeReport('quic.json', { benchmark: 'quic', command: 'npm run bench:quic', date: new Date().toISOString(), machine: machine(), runs: RUNS, durationMs: DURATION_MS, results, targets })}`,
  );
}

void main();
