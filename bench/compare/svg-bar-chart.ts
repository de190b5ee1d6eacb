/**
 * A small SVG renderer for the comparison's charts: a grid of panels (one per workload), each a
 * horizontal bar chart with one row per transport and one bar per series, whiskers for min–max,
 * and each panel on its own scale (workloads differ by orders of magnitude). Written by hand so
 * the docs need no charting dependency and the files diff well.
 */

export interface BarValue {
  value: number;
  min?: number;
  max?: number;
}

export interface BarRow {
  label: string;
  /** Bar colour when the chart has a single series. */
  color: string;
  /** One value per series; undefined leaves the bar out. */
  values: (BarValue | undefined)[];
  /** Instead of bars: why there is no measurement. */
  failed?: string;
}

export interface BarPanel {
  title: string;
  rows: BarRow[];
}

export interface BarChart {
  title: string;
  subtitle: string;
  /** Several series get a legend and their own colours; one series uses the rows' colours. */
  series: { name: string; color: string }[];
  scale: 'linear' | 'log';
  format: (value: number) => string;
  panels: BarPanel[];
}

const WIDTH = 1000;
const COLUMNS = 2;
const GAP = 20;
const PANEL_WIDTH = (WIDTH - GAP * (COLUMNS + 1)) / COLUMNS;
const LABEL_WIDTH = 180;
const VALUE_WIDTH = 64;
const BAR_AREA = PANEL_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
const BAR_HEIGHT = 11;
const ROW_PADDING = 6;
const PANEL_HEADER = 22;
const PANEL_FOOTER = 18;
const HEADER = 64;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} ${attributes}>${escapeXml(content)}</text>`;
}

/** A rounded upper bound whose quarters are readable numbers, without wasting much width. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value) ?? 10;
  return step * magnitude;
}

interface Axis {
  position: (value: number) => number;
  ticks: number[];
}

function axisFor(panel: BarPanel, scale: BarChart['scale']): Axis {
  const values = panel.rows.flatMap((row) =>
    row.values.flatMap((v) => (v ? [v.value, v.max ?? v.value, v.min ?? v.value] : [])),
  );
  const positive = values.filter((v) => v > 0);
  if (scale === 'log' && positive.length > 0) {
    const low = 10 ** Math.floor(Math.log10(Math.min(...positive)));
    const high = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
    const span = Math.max(1, Math.log10(high / low));
    const ticks = Array.from({ length: Math.round(span) + 1 }, (_, i) => low * 10 ** i);
    return {
      position: (v) => (v <= 0 ? 0 : Math.max(0, (Math.log10(v / low) / span) * BAR_AREA)),
      ticks,
    };
  }
  const top = niceCeiling(Math.max(0, ...values));
  return {
    position: (v) => (Math.max(0, v) / top) * BAR_AREA,
    ticks: [0, top / 4, top / 2, (3 * top) / 4, top],
  };
}

function rowHeight(chart: BarChart): number {
  return chart.series.length * BAR_HEIGHT + ROW_PADDING;
}

function panelHeight(chart: BarChart, panel: BarPanel): number {
  return PANEL_HEADER + panel.rows.length * rowHeight(chart) + PANEL_FOOTER;
}

function renderRow(chart: BarChart, row: BarRow, axis: Axis, x: number, y: number): string[] {
  const parts: string[] = [];
  const height = rowHeight(chart) - ROW_PADDING;
  parts.push(
    text(x + LABEL_WIDTH - 6, y + height / 2 + 4, row.label, 'font-size="11" text-anchor="end"'),
  );
  const left = x + LABEL_WIDTH;
  if (row.failed !== undefined) {
    parts.push(
      text(
        left + 4,
        y + height / 2 + 4,
        row.failed,
        'font-size="11" font-style="italic" fill="#c0392b"',
      ),
    );
    return parts;
  }
  row.values.forEach((value, i) => {
    if (!value) return;
    const top = y + i * BAR_HEIGHT;
    const color = chart.series.length > 1 ? chart.series[i].color : row.color;
    const width = Math.max(1, axis.position(value.value));
    parts.push(
      `<rect x="${left}" y="${top + 1}" width="${width.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${color}"><title>${escapeXml(`${row.label} ${chart.series[i].name}: ${chart.format(value.value)}`)}</title></rect>`,
    );
    if (value.min !== undefined && value.max !== undefined && value.max > value.min) {
      const from = left + axis.position(value.min);
      const to = left + axis.position(value.max);
      const mid = top + BAR_HEIGHT / 2;
      parts.push(
        `<path d="M${from.toFixed(1)} ${mid}H${to.toFixed(1)}M${from.toFixed(1)} ${mid - 3}v6M${to.toFixed(1)} ${mid - 3}v6" stroke="#222" stroke-width="1" fill="none"/>`,
      );
    }
    const end = left + Math.max(width, axis.position(value.max ?? value.value));
    parts.push(
      text(end + 4, top + BAR_HEIGHT - 2, chart.format(value.value), 'font-size="10" fill="#333"'),
    );
  });
  return parts;
}

function renderPanel(chart: BarChart, panel: BarPanel, x: number, y: number): string {
  const axis = axisFor(panel, chart.scale);
  const left = x + LABEL_WIDTH;
  const bottom = y + panelHeight(chart, panel) - PANEL_FOOTER;
  const parts = [
    `<rect x="${x}" y="${y}" width="${PANEL_WIDTH}" height="${panelHeight(chart, panel)}" fill="#fafafa" stroke="#ddd"/>`,
    text(x + 8, y + 15, panel.title, 'font-size="12" font-weight="bold"'),
  ];
  for (const tick of axis.ticks) {
    const tx = left + axis.position(tick);
    parts.push(
      `<line x1="${tx.toFixed(1)}" y1="${y + PANEL_HEADER - 2}" x2="${tx.toFixed(1)}" y2="${bottom}" stroke="#e3e3e3"/>`,
    );
    parts.push(
      text(tx, bottom + 12, chart.format(tick), 'font-size="9" fill="#777" text-anchor="middle"'),
    );
  }
  panel.rows.forEach((row, i) =>
    parts.push(...renderRow(chart, row, axis, x, y + PANEL_HEADER + i * rowHeight(chart))),
  );
  return parts.join('\n');
}

function renderLegend(chart: BarChart): string {
  if (chart.series.length < 2) return '';
  return chart.series
    .map(
      (s, i) =>
        `<rect x="${GAP + i * 110}" y="${HEADER - 18}" width="12" height="10" fill="${s.color}"/>` +
        text(GAP + i * 110 + 16, HEADER - 9, s.name, 'font-size="11"'),
    )
    .join('\n');
}

/** The chart as a standalone SVG document. */
export function renderBarChart(chart: BarChart): string {
  const placed: string[] = [];
  let y = HEADER;
  for (let i = 0; i < chart.panels.length; i += COLUMNS) {
    const line = chart.panels.slice(i, i + COLUMNS);
    line.forEach((panel, column) =>
      placed.push(renderPanel(chart, panel, GAP + column * (PANEL_WIDTH + GAP), y)),
    );
    y += Math.max(...line.map((panel) => panelHeight(chart, panel))) + GAP;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    text(GAP, 22, chart.title, 'font-size="16" font-weight="bold"'),
    text(GAP, 38, chart.subtitle, 'font-size="11" fill="#555"'),
    renderLegend(chart),
    ...placed,
    '</svg>',
    '',
  ].join('\n');
}
