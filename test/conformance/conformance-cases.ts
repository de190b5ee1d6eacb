import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The upstream conformance suite's case lists (../shared/conformance/preview3/upstream), read
// through its manifest so that a case list added upstream is picked up, not silently ignored.
// Node-only on purpose: the coverage spec and scripts/conformance-report.ts both use it.

/** Status of a case in the upstream lists. */
export type CaseStatus = 'mandatory' | 'optional' | 'experimental';

/** One conformance case of a case manifest. */
export interface ConformanceCase {
  readonly id: string;
  readonly layer: string;
  readonly status: CaseStatus;
  readonly feature: string;
  readonly description: string;
  /** `manifest_name` of the list the case comes from. */
  readonly manifest: string;
}

/** The upstream preview3 folder; `shared/` sits beside the checkout (as for the vectors). */
export const UPSTREAM_DIR = resolve(__dirname, '../../../shared/conformance/preview3/upstream');

/** This folder: the conformance specs whose test names must carry the case ids. */
export const CONFORMANCE_TEST_DIR = __dirname;

const STATUSES: readonly CaseStatus[] = ['mandatory', 'optional', 'experimental'];

interface SuiteManifest {
  protocol_version: string;
  case_manifests: string[];
}

interface CaseManifest {
  protocol_version: string;
  manifest_name: string;
  cases: Omit<ConformanceCase, 'manifest'>[];
}

function readJson<T>(path: string): T {
  if (!existsSync(path)) {
    throw new Error(`conformance file not found at ${path}; shared/ must sit beside the repo`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Every case of every case manifest the suite manifest lists, in manifest order. Throws on a
 * duplicate id, an unknown status or a manifest of another protocol version.
 */
export function loadConformanceCases(dir = UPSTREAM_DIR): ConformanceCase[] {
  const suite = readJson<SuiteManifest>(join(dir, 'manifest.json'));
  const cases: ConformanceCase[] = [];
  for (const file of suite.case_manifests) {
    const manifest = readJson<CaseManifest>(join(dir, file));
    if (manifest.protocol_version !== suite.protocol_version) {
      throw new Error(
        `${file}: protocol ${manifest.protocol_version}, not ${suite.protocol_version}`,
      );
    }
    for (const entry of manifest.cases) {
      if (!STATUSES.includes(entry.status)) {
        throw new Error(`${file}: case ${entry.id} has unknown status ${String(entry.status)}`);
      }
      if (cases.some((known) => known.id === entry.id)) {
        throw new Error(`${file}: duplicate case id ${entry.id}`);
      }
      cases.push({
        id: entry.id,
        layer: entry.layer,
        status: entry.status,
        feature: entry.feature,
        description: entry.description,
        manifest: manifest.manifest_name,
      });
    }
  }
  return cases;
}

/**
 * A test title names a case when it starts with the case id followed by `:`. The colon keeps
 * `l1.frame_submit.tensor.inline` from matching `l1.frame_submit.tensor.inline.routing…`.
 */
export function titleNamesCase(title: string, caseId: string): boolean {
  return title.startsWith(`${caseId}:`);
}

/** A test declared in a conformance spec, found by reading its source. */
export interface DeclaredTest {
  readonly file: string;
  readonly title: string;
  /** Declared with `it.failing`: a known bug, described in the test and the report. */
  readonly knownFailure: boolean;
}

// `it('…')`, `test('…')`, `it.failing('…')`: the first argument must be a plain string literal
// so the title can be read without running the file.
const TEST_DECLARATION = /\b(it|test)(\.failing)?\(\s*(['"`])((?:(?!\3)[^\\]|\\.)*)\3/g;

/** The test titles declared in `*.spec.ts` files of `dir` (default: this folder). */
export function declaredTests(dir = CONFORMANCE_TEST_DIR): DeclaredTest[] {
  const tests: DeclaredTest[] = [];
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.spec.ts'))
    .sort()) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const match of source.matchAll(TEST_DECLARATION)) {
      tests.push({ file, title: match[4], knownFailure: match[2] !== undefined });
    }
  }
  return tests;
}
