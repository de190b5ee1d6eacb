/** The docs' charts, drawn from compare.json into docs/benchmarks/*.svg. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCount, formatMib, formatMicros, formatSeconds } from './format';
import type { CellFigures, CellSummary, CompareReport, MetricSummary } from './report-types';
import { BarChart, BarValue, renderBarChart } from './svg-bar-chart';
import type { Workload } from './workloads';

export interface ChartFile {
  file: string;
  title: string;
}

function barOf(metric: MetricSummary): BarValue {
  return { value: metric.median, min: metric.min, max: metric.max };
}

const FAILURE_LABEL_CHARS = 48;

/** The first failure's reason, short enough for the chart (the table has it in full). */
function failureLabel(cell: CellSummary): string {
  const reason = (cell.failures[0] ?? 'no measurement').replace(/^run \d+: /, '').split(';')[0];
  const label = `failed: ${reason}`;
  return label.length > FAILURE_LABEL_CHARS ? `${label.slice(0, FAILURE_LABEL_CHARS - 1)}…` : label;
}

/** One panel per workload, one row per transport that ran it. */
function panelsOf(
  report: CompareReport,
  workloads: Workload[],
  pick: (figures: CellFigures) => (BarValue | undefined)[],
): BarChart['panels'] {
  return workloads.map((workload) => ({
    title: workload.title,
    rows: report.transports.flatMap((transport) => {
      const cell: CellSummary | undefined = report.cells.find(
        (c) => c.transport === transport.id && c.workload === workload.id,
      );
      if (!cell) return [];
      const base = { label: transport.title, color: transport.color };
      if (!cell.figures) return [{ ...base, values: [], failed: failureLabel(cell) }];
      return [{ ...base, values: pick(cell.figures) }];
    }),
  }));
}

function subtitle(report: CompareReport, what: string): string {
  return `${what} — median of ${report.config.runs} run(s) of ${report.config.durationMs / 1000} s, whiskers min–max; ${report.date.slice(0, 10)}; each panel has its own scale`;
}

/** Renders every chart into `dir` and returns what was written (paths relative to `dir`). */
export function writeCharts(report: CompareReport, dir: string): ChartFile[] {
  mkdirSync(dir, { recursive: true });
  const all = report.workloads;
  const bulky = all.filter((w) => w.bodyBytes >= 64 * 1024);
  const single = (name: string): BarChart['series'] => [{ name, color: '#000' }];
  const charts: { file: string; chart: BarChart }[] = [
    {
      file: 'frames-per-second.svg',
      chart: {
        title: 'Requests answered per second (frames/s), higher is better',
        subtitle: subtitle(report, 'frames/s'),
        series: single('frames/s'),
        scale: 'linear',
        format: formatCount,
        panels: panelsOf(report, all, (f) => [barOf(f.framesPerSecond)]),
      },
    },
    {
      file: 'mib-per-second.svg',
      chart: {
        title: 'Payload throughput (MiB/s of answers), higher is better',
        subtitle: subtitle(report, 'MiB/s'),
        series: single('MiB/s'),
        scale: 'linear',
        format: formatMib,
        panels: panelsOf(report, bulky, (f) => [barOf(f.mibPerSecond)]),
      },
    },
    {
      file: 'latency.svg',
      chart: {
        title: 'Latency per request (p50, p99, p99.9), lower is better, log scale',
        subtitle: subtitle(report, 'latency'),
        series: [
          { name: 'p50', color: '#2c7fb8' },
          { name: 'p99', color: '#fdae61' },
          { name: 'p99.9', color: '#d7191c' },
        ],
        scale: 'log',
        format: formatMicros,
        panels: panelsOf(report, all, (f) => [barOf(f.p50Us), barOf(f.p99Us), barOf(f.p999Us)]),
      },
    },
    {
      file: 'server-cpu.svg',
      chart: {
        title: 'Server CPU seconds per 10,000 requests, lower is better',
        subtitle: subtitle(report, 'server CPU'),
        series: single('CPU s / 10k'),
        scale: 'linear',
        format: formatSeconds,
        panels: panelsOf(report, all, (f) => [barOf(f.serverCpuSecondsPer10kFrames)]),
      },
    },
  ];
  for (const { file, chart } of charts) writeFileSync(join(dir, file), renderBarChart(chart));
  return charts.map(({ file, chart }) => ({ file, title: chart.title }));
}
