/**
 * Writes docs/conformance.md: every NNRP/1-preview3 conformance case of the upstream case lists,
 * the tests named after it (test/conformance/), their result in a Jest run, and the
 * interpretations chosen where the spec leaves a case open (test/conformance/interpretations.json).
 *
 *   npm run conformance:report                      run the conformance tests, then write the report
 *   npm run conformance:report -- --from run.json   use an existing `jest --json` output instead
 *   npm run conformance:report -- --out other.md    write somewhere else
 *
 * The script knows nothing about individual cases: everything comes from the case lists, the
 * Jest results and the interpretations file, so it stays right as cases and tests change.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import {
  CaseStatus,
  CONFORMANCE_TEST_DIR,
  ConformanceCase,
  declaredTests,
  loadConformanceCases,
  titleNamesCase,
  UPSTREAM_DIR,
} from '../test/conformance/conformance-cases';

const ROOT = resolve(__dirname, '..');
const DEFAULT_OUT = join(ROOT, 'docs', 'conformance.md');
const INTERPRETATIONS = join(CONFORMANCE_TEST_DIR, 'interpretations.json');
const STATUSES: readonly CaseStatus[] = ['mandatory', 'optional', 'experimental'];

/** The parts of `jest --json` output this report reads. */
interface JestAssertion {
  readonly title: string;
  readonly status: string;
  /** Set by Jest 30 for `it.failing`: a `passed` status then means "failed as expected". */
  readonly failing?: boolean;
}

interface JestReport {
  readonly startTime: number;
  readonly testResults: readonly {
    readonly name: string;
    readonly assertionResults: readonly JestAssertion[];
  }[];
}

/** How one run of one test ended. */
type Outcome = 'passed' | 'known-bug' | 'failed' | 'skipped';

/** One test of the run, with the spec file it is in. */
interface TestRun {
  readonly file: string;
  readonly title: string;
  readonly outcome: Outcome;
}

interface Options {
  readonly from: string | undefined;
  readonly out: string;
}

function parseArgs(argv: readonly string[]): Options {
  let from: string | undefined;
  let out = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--from' && value) {
      from = resolve(value);
      i++;
    } else if (argv[i] === '--out' && value) {
      out = resolve(value);
      i++;
    } else {
      throw new Error(
        `unknown argument ${argv[i]} (use --from <jest.json> and/or --out <file.md>)`,
      );
    }
  }
  return { from, out };
}

/** Runs the conformance specs with `--json` and returns the parsed output. */
function runConformanceTests(): JestReport {
  const dir = mkdtempSync(join(tmpdir(), 'nnrp-conformance-'));
  const output = join(dir, 'jest.json');
  try {
    // Only this folder: libs/…/conformance-vectors.spec.ts would match a bare "test/conformance".
    const pattern = `${relative(ROOT, CONFORMANCE_TEST_DIR)}/`;
    const jest = spawnSync(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--json', `--outputFile=${output}`, pattern],
      { cwd: ROOT, stdio: 'inherit' },
    );
    // Jest exits non-zero when a test fails; the report records that, so only a missing
    // output is fatal here.
    if (!existsSync(output)) {
      throw new Error(`jest wrote no results (exit code ${String(jest.status)})`);
    }
    return JSON.parse(readFileSync(output, 'utf8')) as JestReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function outcomeOf(assertion: JestAssertion): Outcome {
  if (assertion.status === 'passed') return assertion.failing === true ? 'known-bug' : 'passed';
  if (assertion.status === 'failed') return 'failed';
  return 'skipped';
}

function testRuns(report: JestReport): TestRun[] {
  return report.testResults.flatMap((file) =>
    file.assertionResults.map((assertion) => ({
      file: basename(file.name),
      title: assertion.title,
      outcome: outcomeOf(assertion),
    })),
  );
}

/** A case's result over all runs of the tests named after it. */
function caseResult(runs: readonly TestRun[]): { label: string; outcome: Outcome | 'not run' } {
  if (runs.length === 0) return { label: '**NOT RUN**', outcome: 'not run' };
  const count = (outcome: Outcome) => runs.filter((run) => run.outcome === outcome).length;
  if (count('failed') > 0) {
    return { label: `**FAILED** (${count('failed')} of ${runs.length} runs)`, outcome: 'failed' };
  }
  const passed = count('passed');
  if (passed === 0) return { label: '**NOT RUN** (skipped)', outcome: 'not run' };
  const bugs = count('known-bug');
  const label =
    bugs > 0 ? `passed (${passed}); known bug (${bugs}, it.failing)` : `passed (${passed})`;
  return { label, outcome: bugs > 0 ? 'known-bug' : 'passed' };
}

/** Markdown table cell text. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The test titles of a case, without the id prefix, one per distinct test. */
function testList(conformanceCase: ConformanceCase, runs: readonly TestRun[]): string {
  const distinct = new Map<string, number>();
  for (const run of runs) {
    const key = `\`${run.file}\`: ${run.title.slice(conformanceCase.id.length + 1).trim()}`;
    distinct.set(key, (distinct.get(key) ?? 0) + 1);
  }
  return [...distinct]
    .map(([text, times]) => cell(times > 1 ? `${text} (${times} runs)` : text))
    .join('<br>');
}

function render(
  cases: readonly ConformanceCase[],
  runs: readonly TestRun[],
  interpretations: Readonly<Record<string, string>>,
  startTime: number,
): string {
  const rows = cases.map((c) => {
    const covering = runs.filter((run) => titleNamesCase(run.title, c.id));
    return { case: c, covering, result: caseResult(covering) };
  });
  const lines: string[] = [
    '# NNRP/1-preview3 conformance',
    '',
    '<!-- Generated by `npm run conformance:report` (scripts/conformance-report.ts). Do not edit. -->',
    '',
    `Every case of the upstream conformance suite (\`${relative(ROOT, UPSTREAM_DIR)}\`, ` +
      `${cases.length} cases) with the tests in \`test/conformance/\` named after it and their ` +
      `result in the Jest run of ${new Date(startTime).toISOString()}. A test covers a case ` +
      'when its name starts with the case id and a colon; `test/conformance/case-coverage.spec.ts` ' +
      'fails when a case has no such test. L0 cases run through the codec against the reference ' +
      'vectors; L1, L2 and L3 cases run over real connections (TCP; the QUIC case over both QUIC ' +
      'stream models).',
    '',
    '## Summary',
    '',
    '| status | cases | passed | passed with a known bug | failed | not run |',
    '|---|---|---|---|---|---|',
  ];
  for (const status of [...STATUSES, undefined]) {
    const of = rows.filter((row) => status === undefined || row.case.status === status);
    const count = (outcome: string) => of.filter((row) => row.result.outcome === outcome).length;
    lines.push(
      `| ${status ?? '**all**'} | ${of.length} | ${count('passed')} | ${count('known-bug')} | ` +
        `${count('failed')} | ${count('not run')} |`,
    );
  }
  lines.push(
    '',
    '## Cases',
    '',
    '| case | layer | status | description | tests | result |',
    '|---|---|---|---|---|---|',
  );
  for (const row of rows) {
    const c = row.case;
    lines.push(
      `| \`${c.id}\` | ${c.layer} | ${c.status} | ${cell(c.description)} | ` +
        `${testList(c, row.covering) || '—'} | ${row.result.label} |`,
    );
  }
  const bugs = runs.filter((run) => run.outcome === 'known-bug');
  lines.push('', '## Known bugs', '');
  if (bugs.length === 0) lines.push('None: no test is marked `it.failing`.');
  lines.push(
    ...[...new Set(bugs.map((run) => `- \`${run.file}\`: ${run.title}`))].map(
      (line) => `${line} (fails as expected; the fix makes it pass, then drop \`.failing\`)`,
    ),
  );
  lines.push(
    '',
    '## Interpretations',
    '',
    'Where the specs leave a case open, the behaviour this implementation chose and its tests ' +
      'hold it to (from `test/conformance/interpretations.json`; decisions.md wins over the ' +
      'specs).',
    '',
  );
  for (const c of cases) {
    const text = interpretations[c.id];
    if (text !== undefined) lines.push(`- **\`${c.id}\`**: ${text}`);
  }
  lines.push('');
  return lines.join('\n');
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const cases = loadConformanceCases();
  const interpretations = JSON.parse(readFileSync(INTERPRETATIONS, 'utf8')) as Record<
    string,
    string
  >;
  const report = options.from
    ? (JSON.parse(readFileSync(options.from, 'utf8')) as JestReport)
    : runConformanceTests();
  const runs = testRuns(report);
  // A declared test that never ran (a filtered or partial run) would silently drop coverage.
  const ran = new Set(runs.map((run) => `${run.file}\u0000${run.title}`));
  const missing = declaredTests().filter((test) => !ran.has(`${test.file}\u0000${test.title}`));
  if (missing.length > 0) {
    console.warn(`warning: ${missing.length} declared conformance test(s) not in the Jest results`);
  }
  writeFileSync(options.out, render(cases, runs, interpretations, report.startTime));
  console.log(`wrote ${relative(process.cwd(), options.out)}`);
}

main();
