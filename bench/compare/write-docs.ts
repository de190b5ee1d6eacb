import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeCharts } from './charts';
import { renderMarkdown } from './markdown-report';
import type { CompareReport } from './report-types';

const DOCS = resolve(__dirname, '..', '..', 'docs');

/** Writes docs/benchmarks.md and its charts (docs/benchmarks/*.svg); returns the page's path. */
export function writeDocs(report: CompareReport): string {
  const charts = writeCharts(report, resolve(DOCS, 'benchmarks'));
  const page = resolve(DOCS, 'benchmarks.md');
  writeFileSync(page, renderMarkdown(report, charts));
  return page;
}
