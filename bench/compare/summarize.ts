/** Turns the runs of every cell into medians, ranges and ratios. */
import type { CellMeasurement } from './driver-protocol';
import type { CellFigures, CellSummary, MetricSummary, RunRecord } from './report-types';
import type { TransportId } from './transports';
import { echoTwinOf, Workload } from './workloads';

/** Median (upper middle for an even count) and range; zeros for no values. */
export function summarizeValues(values: number[]): MetricSummary {
  if (values.length === 0) return { median: 0, min: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

function figuresOf(measurements: CellMeasurement[]): CellFigures {
  const of = (pick: (m: CellMeasurement) => number): MetricSummary =>
    summarizeValues(measurements.map(pick));
  return {
    framesPerSecond: of((m) => m.load.framesPerSecond),
    mibPerSecond: of((m) => m.load.mibPerSecond),
    p50Us: of((m) => m.load.p50Us),
    p99Us: of((m) => m.load.p99Us),
    p999Us: of((m) => m.load.p999Us),
    serverCpuSecondsPer10kFrames: of((m) =>
      m.load.frames > 0 ? (m.serverCpuSeconds / m.load.frames) * 10_000 : 0,
    ),
    serverPeakRssMiB: of((m) => m.serverPeakRssMiB),
    clientCpuSecondsPer10kFrames: of((m) =>
      m.load.frames > 0 ? (m.clientCpuSeconds / m.load.frames) * 10_000 : 0,
    ),
    timeoutShare: of((m) => (m.load.frames > 0 ? m.load.drops / m.load.frames : 0)),
  };
}

export function summarizeCell(
  transport: TransportId,
  workload: Workload,
  runs: RunRecord[],
): CellSummary {
  const measured = runs.flatMap((r) => (r.ok ? [r.measurement] : []));
  const failures = runs.flatMap((r) => (r.ok ? [] : [`run ${r.run}: ${r.reason}`]));
  return {
    transport,
    workload: workload.id,
    status: measured.length === 0 ? 'failed' : failures.length > 0 ? 'unstable' : 'ok',
    failures,
    figures: measured.length > 0 ? figuresOf(measured) : undefined,
    runs,
  };
}

/** Fills in each cell's ratios to raw node:net (same size/shape echo) and to Nest gRPC. */
export function addRatios(cells: CellSummary[], workloads: readonly Workload[]): void {
  const find = (transport: TransportId, workload: string | undefined): CellSummary | undefined =>
    cells.find((c) => c.transport === transport && c.workload === workload);
  for (const cell of cells) {
    const workload = workloads.find((w) => w.id === cell.workload);
    const own = cell.figures?.framesPerSecond.median;
    if (!workload || own === undefined) continue;
    const raw = find('raw-net', echoTwinOf(workload)?.id)?.figures?.framesPerSecond.median;
    const grpc = find('nest-grpc', workload.id)?.figures?.framesPerSecond.median;
    if (raw) cell.ratioToRaw = own / raw;
    if (grpc) cell.ratioToGrpc = own / grpc;
  }
}
