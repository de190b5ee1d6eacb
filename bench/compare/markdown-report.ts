/** docs/benchmarks.md, generated from compare.json (tables, charts, targets, profiles). */
import type { ChartFile } from './charts';
import { formatCount, formatMib, formatMicros, formatRatio, formatSeconds } from './format';
import type {
  CellSummary,
  CompareReport,
  MetricSummary,
  ProfileEntry,
  ProfileSummary,
  TargetOutcome,
} from './report-types';
import { TRANSPORT_NOTES } from './transport-notes';

function range(metric: MetricSummary, format: (v: number) => string): string {
  return metric.min === metric.max
    ? format(metric.median)
    : `${format(metric.median)} (${format(metric.min)}–${format(metric.max)})`;
}

function cellRow(report: CompareReport, cell: CellSummary): string {
  const title = report.transports.find((t) => t.id === cell.transport)?.title ?? cell.transport;
  const f = cell.figures;
  if (!f) return `| ${title} | **failed**: ${cell.failures.join('; ')} ${'| '.repeat(10)}|`;
  const timeouts = f.timeoutShare.median > 0 ? `${(f.timeoutShare.median * 100).toFixed(1)}%` : '–';
  const note = cell.status === 'unstable' ? ` ⚠ ${cell.failures.join('; ')}` : '';
  const columns = [
    `${title}${note}`,
    range(f.framesPerSecond, formatCount),
    formatMib(f.mibPerSecond.median),
    formatMicros(f.p50Us.median),
    formatMicros(f.p99Us.median),
    formatMicros(f.p999Us.median),
    formatSeconds(f.serverCpuSecondsPer10kFrames.median),
    formatSeconds(f.clientCpuSecondsPer10kFrames.median),
    Math.round(f.serverPeakRssMiB.median).toString(),
    formatRatio(cell.ratioToRaw),
    formatRatio(cell.ratioToGrpc),
    timeouts,
  ];
  return `| ${columns.join(' | ')} |`;
}

function resultTables(report: CompareReport): string[] {
  const header = [
    '| Transport | frames/s (min–max) | MiB/s | p50 | p99 | p99.9 | server CPU s / 10k | client CPU s / 10k | server peak RSS MiB | × raw | × gRPC | timeouts |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  return report.workloads.flatMap((workload) => {
    const cells = report.transports.flatMap((t) =>
      report.cells.filter((c) => c.transport === t.id && c.workload === workload.id),
    );
    return [`### ${workload.title}`, '', ...header, ...cells.map((c) => cellRow(report, c)), ''];
  });
}

function targetTable(targets: TargetOutcome[]): string[] {
  return [
    '| | Target (NNRP over TCP) | Workload | Measured | Verdict |',
    '|---|---|---|---|---|',
    ...targets.map(
      (t) =>
        `| ${t.id} | ${t.description} | \`${t.workload}\` | ${t.detail} | ${t.verdict === 'met' ? '✅ met' : t.verdict === 'missed' ? '❌ **missed**' : 'n/a'} |`,
    ),
  ];
}

const perRequestUs = (profile: ProfileSummary, ms: number): number =>
  profile.frames > 0 ? (ms * 1000) / profile.frames : 0;

/** NNRP's profile of a workload, area by area next to the raw node:net baseline's. */
function profileSection(nnrp: ProfileSummary, raw: ProfileSummary | undefined): string[] {
  const us = (p: ProfileSummary, ms: number): string => perRequestUs(p, ms).toFixed(2);
  const rawAreas = new Map((raw?.areas ?? []).map((a) => [a.name, a]));
  const areaNames = [
    ...nnrp.areas.map((a) => a.name),
    ...(raw?.areas ?? []).map((a) => a.name).filter((n) => !nnrp.areas.some((a) => a.name === n)),
  ];
  const nnrpAreas = new Map(nnrp.areas.map((a) => [a.name, a]));
  const cell = (p: ProfileSummary | undefined, entry: ProfileEntry | undefined): string =>
    p && entry ? `${us(p, entry.selfMs)} (${(entry.share * 100).toFixed(1)}%)` : '';
  return [
    `### \`${nnrp.workload}\` (explains ${nnrp.targets.join(', ')})`,
    '',
    `Server main-thread time per request (non-idle samples inside the load window): **NNRP ${us(nnrp, nnrp.sampledMs)} µs** (${formatCount(nnrp.frames)} requests)` +
      (raw
        ? `, raw node:net ${us(raw, raw.sampledMs)} µs (${formatCount(raw.frames)} requests).`
        : '; the raw node:net baseline run failed.') +
      ' The profiler samples wall-clock time, so on this shared 2-core machine these run above the CPU seconds in the tables; compare them with each other.',
    '',
    ...(raw ? [nnrpOnlyLine(nnrp, raw), ''] : []),
    "Self time by area, µs per request (share of the server's busy time); a blank cell means " +
      "the area is not among that server's top 15:",
    '',
    '| Area | NNRP | raw node:net |',
    '|---|--:|--:|',
    ...areaNames.map(
      (name) =>
        `| ${name} | ${cell(nnrp, nnrpAreas.get(name))} | ${cell(raw, rawAreas.get(name))} |`,
    ),
    '',
    'NNRP server, top functions by self time:',
    '',
    '| Function | Where | µs per request | share |',
    '|---|---|--:|--:|',
    ...nnrp.topFunctions.map(
      (e) =>
        `| \`${e.name}\` | ${e.location ? `\`${e.location}\`` : ''} | ${us(nnrp, e.selfMs)} | ${(e.share * 100).toFixed(1)}% |`,
    ),
    '',
  ];
}

/** NNRP's time in areas missing from the raw server's top list: roughly what NNRP adds per request. */
function nnrpOnlyLine(nnrp: ProfileSummary, raw: ProfileSummary): string {
  const onlyNnrp = nnrp.areas.filter((a) => !raw.areas.some((r) => r.name === a.name));
  const total = onlyNnrp.reduce((sum, a) => sum + perRequestUs(nnrp, a.selfMs), 0);
  const named = onlyNnrp
    .slice(0, 4)
    .map((a) => `${a.name} ${perRequestUs(nnrp, a.selfMs).toFixed(2)} µs`)
    .join(', ');
  return `Areas missing from the raw server's top 15 take ${total.toFixed(2)} µs of NNRP's time per request (${named}).`;
}

function profileSections(profiles: ProfileSummary[]): string[] {
  return profiles
    .filter((p) => p.transport === 'nnrp-tcp')
    .flatMap((nnrp) =>
      profileSection(
        nnrp,
        profiles.find((p) => p.transport === 'raw-net' && p.workload === nnrp.workload),
      ),
    );
}

function sourcesLine(report: CompareReport): string {
  // Reports written before the digest existed have none.
  const { sources } = report;
  if (!sources) return '- Code under test: not recorded.';
  return sources.atStart === sources.atEnd
    ? `- Code under test unchanged during the run (source digest ${sources.atStart}).`
    : `- **The code under test changed during the run** (source digest ${sources.atStart} → ${sources.atEnd}): cells measured before and after the edit ran different code.`;
}

/** Median CPU of other processes above which the page warns that the machine was shared. */
const BUSY_FOREIGN_CORES = 0.25;

function machineLines(report: CompareReport): string[] {
  const m = report.machine;
  const { load } = report;
  const quiet = load.quietAtStart
    ? `quiet at start (1-minute load ${load.loadAtStart.toFixed(2)} < 1.0${load.waitedSeconds > 0 ? ` after waiting ${Math.round(load.waitedSeconds)} s` : ''})`
    : `**not quiet**: 1-minute load ${load.loadAtStart.toFixed(2)} at start${load.waitedSeconds > 0 ? ` after waiting ${Math.round(load.waitedSeconds)} s for it to drop below 1.0` : ''}; other work shared the CPUs, so absolute numbers are low and ranges wide (ratios within the run stay meaningful)`;
  return [
    `- Machine: ${String(m.cpus)} × ${String(m.cpuModel)}, ${String(m.memoryGiB)} GiB, ${String(m.platform)}, Node ${String(m.node)}.`,
    `- Load: ${quiet}. CPU used by other processes while cells ran: median ${load.foreignCores.median.toFixed(2)} cores, max ${load.foreignCores.max.toFixed(2)} (from /proc/stat minus the bench's server and client)${load.foreignCores.median >= BUSY_FOREIGN_CORES ? '; **other work resumed during the run**, so absolute figures are lower than on an idle machine and the min–max ranges are wide; ratios compare cells measured seconds apart in the same run' : ''}.`,
    `- Date: ${report.date}; the measurements took ${Math.round(report.elapsedSeconds - load.waitedSeconds)} s${load.waitedSeconds > 0 ? ` (after ${Math.round(load.waitedSeconds)} s of waiting for a quiet machine)` : ''}.`,
    sourcesLine(report),
    `- ${report.config.runs} run(s) per cell of ${report.config.durationMs} ms each${report.config.quick ? ' (**BENCH_QUICK subset**)' : ''}; tables show medians with min–max; a cell that makes no progress for ${report.config.stallMs / 1000} s is killed with its client, marked failed, and not repeated in later runs.`,
  ];
}

/** The whole document. */
export function renderMarkdown(report: CompareReport, charts: ChartFile[]): string {
  const missed = report.targets.filter((t) => t.verdict === 'missed');
  return [
    '# Benchmarks: NNRP against Nest TCP and Nest gRPC',
    '',
    '<!-- Generated by `npm run bench` (bench/compare.bench.ts) from bench/results/compare.json; do not edit. -->',
    '',
    'What a Nest team choosing a transport for model serving compares: the same handlers served by',
    "NNRP (`NnrpTransport`) over TCP and over QUIC, by Nest's built-in TCP transport and by Nest's",
    'gRPC transport, next to a bare `node:net` server that speaks the NNRP framing (the physical',
    'limit of Node on this machine). Every cell below comes from the same run.',
    '',
    '```sh',
    report.command,
    '```',
    '',
    ...machineLines(report),
    '',
    '## Targets',
    '',
    ...targetTable(report.targets),
    '',
    missed.length > 0
      ? `Missed: ${missed.map((t) => t.id).join(', ')}. The CPU profiles of the NNRP server for those workloads are [below](#where-the-nnrp-servers-time-goes).`
      : 'Every target was met.',
    '',
    '## Charts',
    '',
    ...charts.flatMap((c) => [`![${c.title}](benchmarks/${c.file})`, '']),
    '## How it is measured',
    '',
    '- Each cell starts its server in a process of its own (`bench/support/bench-server-process.ts`) and drives it from a separate client process (`bench/compare/cell-driver.ts`); a fresh server per cell and run.',
    '- Handlers are the same logic everywhere (`bench/compare/handler-logic.ts`): **echo**; **model**, a CPU-light stand-in that XORs every byte into a new buffer; **stream**, the model output sent as 32 partial results; **mixed**, the model where every 10th request of a connection waits 50 ms and every request carries a 20 ms deadline. The model runs under concurrent load only: lock-step it would add the same handler time to every row, and the full run has to stay near 10 minutes.',
    "- Clients: the NNRP rows and the raw row use the project's NNRP load client (`bench/support/bench-client.ts`); Nest TCP uses `ClientProxyFactory`/`client.send()`; gRPC uses `@grpc/grpc-js` with proto-loader. Each connection keeps its window of requests in flight for the duration, then waits for the last answers.",
    "- **frames/s**: requests that ended (answered or timed out) per second. **MiB/s**: answered payload bytes per second (the bytes a user gets, not wire bytes: Nest TCP carries base64, 4/3 of that). **Latency**: request sent → final answer (the last partial for streams, the timeout for timed-out requests). **Server CPU**: the server process's user+system CPU during the load, per 10,000 requests. **Peak RSS**: the server process's peak over the cell.",
    '- **× raw**: frames/s over the raw `node:net` echo of the same body size and shape (raw only echoes; for model, stream and mixed it is the cost of moving the same bytes). **× gRPC**: frames/s over Nest gRPC on the same workload.',
    '',
    '## What each transport actually does',
    '',
    ...TRANSPORT_NOTES.flatMap((note) => [`- ${note}`]),
    '',
    '## Results (medians)',
    '',
    ...resultTables(report),
    "## Where the NNRP server's time goes",
    '',
    report.profiles.length === 0
      ? 'No target was missed, so no profile was taken.'
      : 'For each missed target the NNRP server, and the raw node:net server as the baseline, were run once more on that workload under the V8 CPU profiler (`bench/compare/cpu-profile-preload.ts`, the in-process equivalent of `--cpu-prof`, sampling every 200 µs); samples outside the load window (start-up, shutdown) are dropped.',
    '',
    ...profileSections(report.profiles),
    '## Reproduce',
    '',
    '| Variable | Default | Effect |',
    '|---|---|---|',
    '| `BENCH_RUNS` | 3 (quick: 1) | runs per cell |',
    '| `BENCH_DURATION_MS` | 3000 (quick: 1000) | load duration per run |',
    '| `BENCH_QUICK=1` | off | the subset the targets need, one short run (< 2 min) |',
    '| `BENCH_STALL_MS` | 10000 | watchdog: a cell without progress this long is killed and failed |',
    '| `BENCH_WAIT_QUIET=1` | off | first wait (up to 20 min) for the 1-minute load to drop below 1.0 |',
    '| `BENCH_PROFILE=0` | on | skip the CPU profiles of missed targets |',
    '| `BENCH_RENDER_ONLY=1` | off | no new measurements: work out the ratios and target verdicts again from bench/results/compare.json, rewrite it, and re-render this page and the charts |',
    '',
  ].join('\n');
}
