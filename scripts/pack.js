#!/usr/bin/env node
// @ts-check
/**
 * `npm run pack`: syncs the versions, builds both libraries from a clean `dist/`, checks their
 * imports against their package.json, and writes both tarballs into `dist-pack/`:
 *
 *   dist-pack/nest-nnrp-protocol-<version>.tgz
 *   dist-pack/nest-nnrp-nest-<version>.tgz
 *
 * Fails when a tarball would ship anything but the compiled `dist/` (js, d.ts, maps),
 * package.json, README.md and LICENSE.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { syncVersions } = require('./sync-versions');
const { checkPackageImports } = require('./check-package-imports');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist-pack');
const LIBRARIES = ['libs/nnrp-protocol', 'libs/nnrp-nest'];
const ALLOWED_FILE = /^(dist\/.+\.(js|js\.map|d\.ts|d\.ts\.map)|package\.json|README\.md|LICENSE)$/;
const REQUIRED_FILES = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'];

/**
 * Runs a command in the repository root; throws when it fails.
 * @param {string} command
 * @param {string[]} args
 * @returns {string} its stdout
 */
function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
  return result.stdout;
}

/**
 * @typedef {{ name: string, version: string, filename: string, files: { path: string }[] }} PackResult
 */

function main() {
  const { version, differences, problems } = syncVersions({ check: false });
  for (const line of differences) console.log(`updated: ${line}`);
  if (problems.length > 0) throw new Error(`versions:\n  ${problems.join('\n  ')}`);

  // A clean build: files of deleted sources must not reach the tarballs.
  for (const library of LIBRARIES) {
    fs.rmSync(path.join(ROOT, library, 'dist'), { recursive: true, force: true });
  }
  process.stdout.write(run('npm', ['run', '--silent', 'build:libs']));

  const importProblems = LIBRARIES.flatMap((library) =>
    checkPackageImports(path.join(ROOT, library)).problems.map((p) => `${library}: ${p}`),
  );
  if (importProblems.length > 0) throw new Error(`imports:\n  ${importProblems.join('\n  ')}`);

  fs.mkdirSync(OUT, { recursive: true });
  for (const file of fs.readdirSync(OUT)) {
    if (file.endsWith('.tgz')) fs.rmSync(path.join(OUT, file));
  }
  const workspaces = LIBRARIES.flatMap((library) => ['--workspace', library]);
  /** @type {PackResult[]} */
  const packed = JSON.parse(
    run('npm', ['pack', ...workspaces, '--pack-destination', OUT, '--json', '--loglevel=error']),
  );

  for (const result of packed) {
    const files = result.files.map((file) => file.path);
    const stray = files.filter((file) => !ALLOWED_FILE.test(file));
    const missing = REQUIRED_FILES.filter((file) => !files.includes(file));
    if (result.version !== version) {
      throw new Error(`${result.name} packed as ${result.version}, expected ${version}`);
    }
    if (stray.length > 0 || missing.length > 0) {
      throw new Error(
        `${result.filename}: ${stray.length > 0 ? `unexpected ${stray.join(', ')}` : ''}` +
          `${missing.length > 0 ? ` missing ${missing.join(', ')}` : ''}`,
      );
    }
    const size = fs.statSync(path.join(OUT, result.filename)).size;
    console.log(
      `${path.relative(ROOT, path.join(OUT, result.filename))}: ${result.name}@${result.version}, ` +
        `${files.length} files, ${(size / 1024).toFixed(1)} KiB`,
    );
  }
}

try {
  main();
} catch (error) {
  console.error(`pack failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
