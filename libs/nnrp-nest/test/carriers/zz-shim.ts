import * as nodeModule from 'node:module';
import * as path from 'node:path';
const loader = nodeModule as unknown as { Module: { _load(request: string, parent: unknown, isMain: boolean): unknown } };
const pkgJson = require.resolve('@matrixai/quic/package.json');
module.exports = loader.Module._load(path.join(path.dirname(pkgJson), 'dist', 'index.js'), null, false);
