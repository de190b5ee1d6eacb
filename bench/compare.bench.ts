/**
 * The transport comparison: NNRP (TCP, QUIC) against Nest's TCP and gRPC transports and a raw
 * node:net reference, on the same handlers, side by side in one run. Each cell runs its server
 * in its own process and its client in another (bench/compare/cell-driver.ts); a watchdog fails
 * cells that stall. Writes bench/results/compare.json, then docs/benchmarks.md and its SVG charts
 * from it. Run: `npm run bench` (see the Reproduce table in docs/benchmarks.md for the knobs).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CellRunner } from './compare/cell-runner';
import { profileMissedTargets } from './compare/profile-missed';
import { waitForQuiet } from './compare/quiet-wait';
import { asCompareReport, CompareReport, RunRecord } from './compare/report-types';
import { addRatios, summarizeCell, summarizeValues } from './compare/summarize';
import { sourceDigest } from './compare/source-digest';
import { loadAverage1m } from './compare/system-cpu';
import { judgeTargets } from './compare/targets';
import { TRANSPORTS, TransportSpec } from './compare/transports';
import { Workload, WORKLOADS } from './compare/workloads';
import { writeDocs } from './compare/write-docs';
import { machine, writeReport } from './support/measure';

const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 3));
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? (QUICK ? 1000 : 3000));
const STALL_MS = Number(process.env.BENCH_STALL_MS ?? 10_000);
const QUIET_LOAD = 1.0;

const log = (line: string): void => console.log(line);

function commandLine(): string {
  const knobs = ['BENCH_QUICK', 'BENCH_RUNS', 'BENCH_DURATION_MS', 'BENCH_STALL_MS']
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${process.env[name]}`);
  return [...knobs, 'npm run bench'].join(' ');
}

function describe(record: RunRecord): string {
  if (!record.ok) return `FAILED ${record.reason}`;
  const { load, serverCpuSeconds, serverPeakRssMiB } = record.measurement;
  return (
    `${Math.round(load.framesPerSecond).toString().padStart(7)} frames/s ` +
    `${load.mibPerSecond.toFixed(1).padStart(7)} MiB/s  p50 ${Math.round(load.p50Us)} µs  ` +
    `p99 ${Math.round(load.p99Us)} µs  drops ${load.drops}  ` +
    `server ${serverCpuSeconds.toFixed(2)} s CPU ${Math.round(serverPeakRssMiB)} MiB`
  );
}

async function measureAll(): Promise<CompareReport> {
  const started = Date.now();
  const quiet =
    process.env.BENCH_WAIT_QUIET === '1'
      ? await waitForQuiet(QUIET_LOAD, 60_000, 20 * 60_000, log)
      : { quiet: loadAverage1m() < QUIET_LOAD, load: loadAverage1m(), waitedSeconds: 0 };
  log(`load ${quiet.load.toFixed(2)} at start (${quiet.quiet ? 'quiet' : 'NOT quiet'})`);
  const sourcesAtStart = sourceDigest();
  const workloads = WORKLOADS.filter((w) => !QUICK || w.quick);
  const plan: { transport: TransportSpec; workload: Workload }[] = TRANSPORTS.flatMap((transport) =>
    workloads
      .filter((w) => transport.handlers.includes(w.handler))
      .map((workload) => ({ transport, workload })),
  );
  const records = new Map<string, RunRecord[]>();
  const runner = new CellRunner(STALL_MS);
  // Runs are the outer loop so drift in the machine's state spreads over every cell alike.
  for (let run = 1; run <= RUNS; run++) {
    for (const { transport, workload } of plan) {
      const key = `${transport.id} ${workload.id}`;
      const earlier = records.get(key) ?? [];
      // A stalled cell stalls again: it costs the watchdog's time per run and tells nothing new.
      if (earlier.some((r) => !r.ok)) continue;
      const outcome = await runner.run({
        transport: transport.id,
        workloadId: workload.id,
        durationMs: DURATION_MS,
      });
      const record: RunRecord = outcome.ok
        ? { run, ok: true, measurement: outcome.measurement }
        : { run, ok: false, reason: outcome.reason };
      records.set(key, [...earlier, record]);
      log(`run ${run} ${transport.id.padEnd(9)} ${workload.id.padEnd(18)} ${describe(record)}`);
    }
  }
  const cells = plan.map(({ transport, workload }) =>
    summarizeCell(transport.id, workload, records.get(`${transport.id} ${workload.id}`) ?? []),
  );
  addRatios(cells, workloads);
  const targets = judgeTargets(cells);
  for (const t of targets) log(`target ${t.id} ${t.description}: ${t.verdict} (${t.detail})`);
  const profiles =
    process.env.BENCH_PROFILE === '0'
      ? []
      : await profileMissedTargets(runner, targets, DURATION_MS, log);
  await runner.close();
  const sources = { atStart: sourcesAtStart, atEnd: sourceDigest() };
  if (sources.atStart !== sources.atEnd) log('WARNING: the code under test changed during the run');
  const foreign = [...records.values()]
    .flat()
    .flatMap((r) => (r.ok ? [r.measurement.foreignCpuSeconds / r.measurement.load.seconds] : []));
  return {
    benchmark: 'compare',
    command: commandLine(),
    date: new Date().toISOString(),
    machine: machine(),
    config: { runs: RUNS, durationMs: DURATION_MS, quick: QUICK, stallMs: STALL_MS },
    load: {
      quietAtStart: quiet.quiet,
      loadAtStart: quiet.load,
      waitedSeconds: quiet.waitedSeconds,
      foreignCores: summarizeValues(foreign),
    },
    transports: TRANSPORTS.map(({ id, title, color }) => ({ id, title, color })),
    workloads,
    cells,
    targets,
    profiles,
    sources,
    elapsedSeconds: (Date.now() - started) / 1000,
  };
}

/**
 * BENCH_RENDER_ONLY=1: the stored measurements with their derived figures (ratios, target
 * verdicts) worked out again by the current code, so a changed definition needs no new run.
 */
function rederived(): CompareReport {
  const path = resolve(__dirname, 'results', 'compare.json');
  const report = asCompareReport(JSON.parse(readFileSync(path, 'utf8')));
  addRatios(report.cells, report.workloads);
  return { ...report, targets: judgeTargets(report.cells) };
}

async function main(): Promise<void> {
  const report = process.env.BENCH_RENDER_ONLY === '1' ? rederived() : await measureAll();
  log(`report: ${writeReport('compare.json', report)}`);
  log(`docs: ${writeDocs(report)}`);
}

void main();
