/**
 * TCP transport benchmark: NnrpTransport (echo handler) against a bare node:net NNRP echo, each
 * server in its own process, driven from this process. Prints a table and writes
 * bench/results/tcp.json. Run: `npm run bench:tcp`.
 */
import { runLoad, LoadResult } from './support/bench-client';
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

const SERVERS = {
  nnrp: 'tcp/nnrp-echo-server.ts',
  'raw node:net': 'tcp/raw-echo-server.ts',
} as const;

type Row = { median: LoadResult; runs: LoadResult[] };

async function main(): Promise<void> {
  const results: Record<string, Record<string, Row>> = {};
  for (const [serverName, script] of Object.entries(SERVERS)) {
    results[serverName] = {};
    for (const [workloadName, workload] of Object.entries(WORKLOADS)) {
      const runs: LoadResult[] = [];
      for (let run = 0; run < RUNS; run++) {
        const server = await startBenchServer(script);
        runs.push(
          await runLoad({
            target: { carrier: 'tcp', port: server.port },
            durationMs: DURATION_MS,
            ...workload,
          }),
        );
        await server.stop();
      }
      const sorted = [...runs].sort((a, b) => a.framesPerSecond - b.framesPerSecond);
      results[serverName][workloadName] = { median: sorted[Math.floor(sorted.length / 2)], runs };
      const m = results[serverName][workloadName].median;
      console.log(
        `${serverName.padEnd(14)} ${workloadName.padEnd(30)} ${Math.round(m.framesPerSecond).toString().padStart(8)} frames/s ` +
          `${m.mibPerSecond.toFixed(1).padStart(8)} MiB/s  p50 ${Math.round(m.p50Us)} µs  p99 ${Math.round(m.p99Us)} µs  drops ${m.drops}`,
      );
    }
  }
  const nnrp = results.nnrp;
  const raw = results['raw node:net'];
  const targets = {
    '8 x 64 B frames/s >= 60000':
      nnrp['8 conns x 16 in flight, 64 B'].median.framesPerSecond >= 60000,
    '1 MiB >= 500 MiB/s each way': nnrp['1 conn x 4 in flight, 1 MiB'].median.mibPerSecond >= 500,
    'lock-step p50 <= 1.5x raw':
      nnrp['lock-step 1 conn, 64 B'].median.p50Us <=
      1.5 * raw['lock-step 1 conn, 64 B'].median.p50Us,
  };
  for (const [target, met] of Object.entries(targets))
    console.log(`target ${target}: ${met ? 'met' : 'MISSED'}`);
  const path = writeReport('tcp.json', {
    benchmark: 'tcp',
    command: 'npm run bench:tcp',
    date: new Date().toISOString(),
    machine: machine(),
    runs: RUNS,
    durationMs: DURATION_MS,
    results,
    targets,
  });
  console.log(`report: ${path}`);
}

void main();
