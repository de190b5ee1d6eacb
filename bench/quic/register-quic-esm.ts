/**
 * Lets bench processes that run TypeScript through `@swc-node/register` load the QUIC carrier.
 * swc compiles the carrier's `import('@matrixai/quic')` into `require()`, which the package's
 * import-only `exports` refuses. Resolving the specifier to the package's entry file lets
 * Node's own require(esm) (Node >= 20.19) load it, exactly like the real `import()` would.
 * Compiled builds (`tsc`) keep the real `import()` and do not need this.
 */
import Module from 'node:module';
import { dirname, join } from 'node:path';

interface ResolvingModule {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

const QUIC_SPECIFIER = '@matrixai/quic';
const quicEntry = join(
  dirname(require.resolve(`${QUIC_SPECIFIER}/package.json`)),
  'dist',
  'index.js',
);
const resolving = Module as unknown as ResolvingModule;
const originalResolve = resolving._resolveFilename;

resolving._resolveFilename = function resolveQuic(request: string, ...rest: unknown[]): string {
  if (request === QUIC_SPECIFIER) return quicEntry;
  return originalResolve.call(this, request, ...rest);
};
