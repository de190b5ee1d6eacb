/** The comparison's targets for NNRP over TCP, each judged against rows of the same run. */
import type { CellFigures, CellSummary, TargetOutcome } from './report-types';
import type { TransportId } from './transports';

interface TargetSpec {
  id: string;
  description: string;
  workload: string;
  reference: TransportId;
  /** The figure compared: NNRP's over the reference's. */
  metric: 'framesPerSecond' | 'mibPerSecond' | 'p50Us';
  threshold: number;
  /** Throughput targets are lower bounds on the ratio, latency targets upper bounds. */
  bound: 'lower' | 'upper';
  unit: string;
}

export const TARGETS: readonly TargetSpec[] = [
  {
    id: 'T1',
    description: 'frames/s at 64 B, 8 x 16 in flight >= 0.8x raw node:net',
    workload: 'echo-64B-8x16',
    reference: 'raw-net',
    metric: 'framesPerSecond',
    threshold: 0.8,
    bound: 'lower',
    unit: 'x raw',
  },
  {
    id: 'T2',
    description: 'frames/s at 64 B, 8 x 16 in flight >= 2x Nest TCP',
    workload: 'echo-64B-8x16',
    reference: 'nest-tcp',
    metric: 'framesPerSecond',
    threshold: 2,
    bound: 'lower',
    unit: 'x Nest TCP',
  },
  {
    id: 'T3',
    description: 'frames/s at 64 B, 8 x 16 in flight >= 10x Nest gRPC',
    workload: 'echo-64B-8x16',
    reference: 'nest-grpc',
    metric: 'framesPerSecond',
    threshold: 10,
    bound: 'lower',
    unit: 'x Nest gRPC',
  },
  {
    id: 'T4',
    description: 'lock-step 64 B p50 <= 1.3x raw node:net',
    workload: 'echo-64B-1x1',
    reference: 'raw-net',
    metric: 'p50Us',
    threshold: 1.3,
    bound: 'upper',
    unit: 'x raw p50',
  },
  {
    id: 'T5',
    description: '1 MiB throughput (8 x 16 in flight) >= 80% of raw node:net',
    workload: 'echo-1MiB-8x16',
    reference: 'raw-net',
    metric: 'mibPerSecond',
    threshold: 0.8,
    bound: 'lower',
    unit: 'x raw',
  },
  {
    id: 'T6',
    description: '1 MiB throughput (8 x 16 in flight) >= 4x Nest gRPC',
    workload: 'echo-1MiB-8x16',
    reference: 'nest-grpc',
    metric: 'mibPerSecond',
    threshold: 4,
    bound: 'lower',
    unit: 'x Nest gRPC',
  },
];

/** Judges every target on the cells of one run. */
export function judgeTargets(cells: CellSummary[]): TargetOutcome[] {
  const figures = (transport: TransportId, workload: string): CellFigures | undefined =>
    cells.find((c) => c.transport === transport && c.workload === workload)?.figures;
  return TARGETS.map((target) => {
    const nnrp = figures('nnrp-tcp', target.workload);
    const reference = figures(target.reference, target.workload);
    const base = { id: target.id, description: target.description, workload: target.workload };
    if (!nnrp || !reference) {
      const missing = !nnrp ? 'nnrp-tcp' : target.reference;
      return { ...base, verdict: 'n/a', detail: `no measurement of ${missing} (cell failed)` };
    }
    const ours = nnrp[target.metric];
    const theirs = reference[target.metric];
    const actual = ours.median / theirs.median;
    // Worst run of one against best run of the other, both ways: how far the runs scatter.
    const spread: [number, number] = [ours.min / theirs.max, ours.max / theirs.min];
    const upperBound = target.bound === 'upper';
    const met = upperBound ? actual <= target.threshold : actual >= target.threshold;
    const straddles = spread[0] <= target.threshold && target.threshold <= spread[1];
    // Against another transport, what the physical limit itself reaches tells if it is reachable.
    const raw = target.reference === 'raw-net' ? undefined : figures('raw-net', target.workload);
    const ceiling = raw ? raw[target.metric].median / theirs.median : undefined;
    const beyond =
      ceiling !== undefined &&
      (upperBound ? ceiling > target.threshold : ceiling < target.threshold);
    return {
      ...base,
      actual,
      spread,
      verdict: met ? 'met' : 'missed',
      detail:
        `${actual.toFixed(2)} ${target.unit} (needs ${upperBound ? '<=' : '>='} ${target.threshold})` +
        (straddles
          ? `; runs scatter ${spread[0].toFixed(2)}–${spread[1].toFixed(2)}, across the threshold`
          : '') +
        (ceiling === undefined
          ? ''
          : `; raw node:net itself: ${ceiling.toFixed(2)} ${target.unit}` +
            (beyond ? ', so the target lies beyond the physical limit on this machine' : '')),
    };
  });
}
