/**
 * A digest of the code under test: the libraries and the bench code its servers and clients load
 * (not the other benches or the fuzzer). Servers compile the sources afresh at every start, so an
 * edit made during a run would put different code in different cells; taking the digest before
 * and after lets the report say so.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const ROOTS = [
  'libs/nnrp-protocol/src',
  'libs/nnrp-nest/src',
  'bench/compare',
  'bench/support',
  'bench/tcp',
  'bench/quic',
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') || entry.name.endsWith('.proto') ? [path] : [];
  });
}

/** SHA-256 over the paths and contents of every source file, in a stable order. */
export function sourceDigest(): string {
  const hash = createHash('sha256');
  for (const file of ROOTS.flatMap((root) => tsFiles(join(REPO, root))).sort()) {
    hash.update(file.slice(REPO.length));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}
