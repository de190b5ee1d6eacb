/** The shape of bench/results/compare.json, and its narrowing when read back. */
import type { CellMeasurement } from './driver-protocol';
import type { TransportId } from './transports';
import type { Workload } from './workloads';

/** Median and range over the runs of a cell. */
export interface MetricSummary {
  median: number;
  min: number;
  max: number;
}

export type RunRecord =
  | { run: number; ok: true; measurement: CellMeasurement }
  | { run: number; ok: false; reason: string };

/** The figures of a cell, each over its successful runs. */
export interface CellFigures {
  framesPerSecond: MetricSummary;
  mibPerSecond: MetricSummary;
  p50Us: MetricSummary;
  p99Us: MetricSummary;
  p999Us: MetricSummary;
  serverCpuSecondsPer10kFrames: MetricSummary;
  serverPeakRssMiB: MetricSummary;
  /** The client shares the 2-core machine: its cost is context for every row. */
  clientCpuSecondsPer10kFrames: MetricSummary;
  /** Share of requests that ended in a timeout / RESULT_DROP. */
  timeoutShare: MetricSummary;
}

export interface CellSummary {
  transport: TransportId;
  workload: string;
  /** ok: every run measured; unstable: some failed; failed: none measured. */
  status: 'ok' | 'unstable' | 'failed';
  failures: string[];
  figures?: CellFigures;
  /** Median frames/s over the raw node:net echo of the same size and shape. */
  ratioToRaw?: number;
  /** Median frames/s over Nest gRPC on the same workload. */
  ratioToGrpc?: number;
  runs: RunRecord[];
}

export interface TargetOutcome {
  id: string;
  description: string;
  workload: string;
  /** The ratio of medians, NNRP's over the reference's. */
  actual?: number;
  /** The ratio from NNRP's worst run against the reference's best, and the reverse. */
  spread?: [number, number];
  /** met / missed, or n/a when a cell it needs failed. */
  verdict: 'met' | 'missed' | 'n/a';
  detail: string;
}

/** Self time of one function (or area) in a CPU profile of the NNRP server. */
export interface ProfileEntry {
  name: string;
  location: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  /** nnrp-tcp, or raw-net as the baseline of the same workload. */
  transport: TransportId;
  workload: string;
  /** Targets this profile explains. */
  targets: string[];
  sampledMs: number;
  frames: number;
  topFunctions: ProfileEntry[];
  areas: ProfileEntry[];
}

export interface MachineLoad {
  /** Whether the 1-minute load was below 1.0 before the run started. */
  quietAtStart: boolean;
  loadAtStart: number;
  waitedSeconds: number;
  /** CPU other processes used while cells ran, in cores (median and max over cell runs). */
  foreignCores: MetricSummary;
}

export interface CompareReport {
  benchmark: 'compare';
  command: string;
  date: string;
  machine: Record<string, unknown>;
  config: { runs: number; durationMs: number; quick: boolean; stallMs: number };
  load: MachineLoad;
  transports: { id: TransportId; title: string; color: string }[];
  workloads: Workload[];
  cells: CellSummary[];
  targets: TargetOutcome[];
  profiles: ProfileSummary[];
  /**
   * Digest of the code under test at the start and end of the measurements (source-digest.ts);
   * absent in reports written before it existed.
   */
  sources?: { atStart: string; atEnd: string };
  /** From the start of the command, the wait for a quiet machine included. */
  elapsedSeconds: number;
}

/** Narrows a parsed compare.json (BENCH_RENDER_ONLY=1 re-renders the docs from it). */
export function asCompareReport(value: unknown): CompareReport {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    'benchmark' in value &&
    value.benchmark === 'compare' &&
    'cells' in value &&
    Array.isArray(value.cells) &&
    value.cells.every(
      (cell: unknown) =>
        typeof cell === 'object' && cell !== null && 'transport' in cell && 'status' in cell,
    ) &&
    'workloads' in value &&
    Array.isArray(value.workloads) &&
    'transports' in value &&
    Array.isArray(value.transports) &&
    'targets' in value &&
    Array.isArray(value.targets);
  if (!ok) throw new Error('not a compare.json report');
  return value as CompareReport;
}
