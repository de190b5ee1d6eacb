/**
 * Jest stand-in for the specifier `@matrixai/quic` (see `moduleNameMapper` in jest.config.js).
 *
 * The package is ESM-only. swc compiles tests to CommonJS, turning the carrier's `import()` into
 * `require()`, and jest's own module registry cannot `require()` ESM before Node 24.9. Node's
 * real loader can (require(esm), Node >= 20.19), so this shim hands the request to it. Jest's
 * `node:module` is a copy of Node's `Module` whose statics, including the loader entry point
 * `_load`, are Node's own; the package then loads exactly as in production, outside the
 * sandbox, native addon included.
 */
import * as nodeModule from 'node:module';
import * as path from 'node:path';

interface NodeModuleLoader {
  _load(request: string, parent: null, isMain: boolean): unknown;
}

const loader = (nodeModule as unknown as { Module: NodeModuleLoader }).Module;
// The package's `exports` has only an `import` condition, so resolve its files by path.
const packageDirectory = path.dirname(require.resolve('@matrixai/quic/package.json'));

module.exports = loader._load(path.join(packageDirectory, 'dist', 'index.js'), null, false);
