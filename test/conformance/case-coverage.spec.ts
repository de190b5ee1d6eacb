import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFORMANCE_TEST_DIR,
  declaredTests,
  loadConformanceCases,
  titleNamesCase,
} from './conformance-cases';

// Keeps the conformance specs and the upstream case lists in step, by reading both statically:
// every case needs a test whose name starts with its id, every case-named test must name a real
// case, and the lists must still hold the 66 cases (18 mandatory / 39 optional / 9
// experimental) this suite was written against.

const cases = loadConformanceCases();
const tests = declaredTests();
const CASE_ID = /^(l[0-9]\.[a-z0-9_.]+):/;

describe('preview3 conformance case coverage', () => {
  it('reads 66 cases: 18 mandatory, 39 optional, 9 experimental', () => {
    const count = (status: string) => cases.filter((c) => c.status === status).length;
    expect(cases).toHaveLength(66);
    expect([count('mandatory'), count('optional'), count('experimental')]).toEqual([18, 39, 9]);
  });

  it('has a test named after every case', () => {
    const uncovered = cases
      .filter((c) => !tests.some((test) => titleNamesCase(test.title, c.id)))
      .map((c) => c.id);
    expect(uncovered).toEqual([]);
  });

  it('names only real cases, and covers each by at least one test expected to pass', () => {
    const ids = new Set(cases.map((c) => c.id));
    const named = tests.flatMap((test) => CASE_ID.exec(test.title)?.[1] ?? []);
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
    // A known bug (it.failing) documents a gap; it does not count as coverage on its own.
    const onlyKnownFailures = cases
      .filter((c) => tests.every((test) => !titleNamesCase(test.title, c.id) || test.knownFailure))
      .map((c) => c.id);
    expect(onlyKnownFailures).toEqual([]);
  });

  it('has an interpretation entry only for real cases', () => {
    const interpretations = JSON.parse(
      readFileSync(join(CONFORMANCE_TEST_DIR, 'interpretations.json'), 'utf8'),
    ) as Record<string, string>;
    const ids = new Set(cases.map((c) => c.id));
    expect(Object.keys(interpretations).filter((id) => !ids.has(id))).toEqual([]);
    for (const text of Object.values(interpretations)) expect(text.length).toBeGreaterThan(40);
  });
});
