#!/usr/bin/env node
// @ts-check
/**
 * One version for the whole repository: the root package.json `version`, released as described in
 * CHANGELOG.md. This script copies it into both libraries (and into the exact
 * `@nest-nnrp/nest` -> `@nest-nnrp/protocol` dependency, and the matching package-lock.json
 * entries).
 *
 *   node scripts/sync-versions.js          write the root version everywhere (run by `npm run pack`)
 *   node scripts/sync-versions.js --check  only report; exit 1 when something differs
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
/** Workspace folder -> does it depend on the protocol package? */
const LIBRARIES = [
  { dir: 'libs/nnrp-protocol', name: '@nest-nnrp/protocol' },
  { dir: 'libs/nnrp-nest', name: '@nest-nnrp/nest' },
];
const PROTOCOL = '@nest-nnrp/protocol';

/** @param {string} relative */
function readJson(relative) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, relative), 'utf8'));
}

/**
 * Writes `value` as npm does (two spaces, final newline), only when the text changes.
 * @param {string} relative
 * @param {unknown} value
 */
function writeJson(relative, value) {
  const file = path.join(ROOT, relative);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
}

/**
 * Sets `owner[key]` to `expected`, recording a difference when it was something else.
 * @param {Record<string, unknown>} owner
 * @param {string} key
 * @param {string} expected
 * @param {string} where
 * @param {string[]} differences
 */
function expect(owner, key, expected, where, differences) {
  if (owner[key] !== expected) {
    differences.push(`${where}: ${JSON.stringify(owner[key])} -> ${JSON.stringify(expected)}`);
    owner[key] = expected;
  }
}

/**
 * The first released version heading of CHANGELOG.md (`## [x.y.z] - date` or `## x.y.z`).
 * @returns {string | undefined}
 */
function changelogVersion() {
  const text = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
  const heading = /^## \[?(\d+\.\d+\.\d+[^\]\s]*)\]?/m.exec(text);
  return heading?.[1];
}

/**
 * Compares (and, unless `check`, fixes) every version against the root one.
 * @param {{ check: boolean }} options
 * @returns {{ version: string, differences: string[], problems: string[] }}
 */
function syncVersions({ check }) {
  const version = readJson('package.json').version;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+/.test(version)) {
    throw new Error(`root package.json has no valid version: ${JSON.stringify(version)}`);
  }
  /** @type {string[]} */
  const differences = [];
  /** @type {string[]} */
  const problems = [];

  const lock = readJson('package-lock.json');
  for (const library of LIBRARIES) {
    const manifestPath = `${library.dir}/package.json`;
    const manifest = readJson(manifestPath);
    if (manifest.name !== library.name) {
      problems.push(`${manifestPath}: name is ${manifest.name}, expected ${library.name}`);
    }
    expect(manifest, 'version', version, `${manifestPath} version`, differences);
    const lockEntry = lock.packages?.[library.dir];
    if (lockEntry)
      expect(lockEntry, 'version', version, `package-lock.json ${library.dir}`, differences);
    else problems.push(`package-lock.json has no entry for ${library.dir} (run npm install)`);
    if (manifest.dependencies?.[PROTOCOL] !== undefined) {
      expect(
        manifest.dependencies,
        PROTOCOL,
        version,
        `${manifestPath} dependencies.${PROTOCOL}`,
        differences,
      );
      if (lockEntry?.dependencies?.[PROTOCOL] !== undefined) {
        expect(
          lockEntry.dependencies,
          PROTOCOL,
          version,
          `package-lock.json ${library.dir} dependencies.${PROTOCOL}`,
          differences,
        );
      }
    } else if (library.name !== PROTOCOL) {
      problems.push(`${manifestPath}: no dependency on ${PROTOCOL}`);
    }
    if (!check) writeJson(manifestPath, manifest);
  }
  if (!check) writeJson('package-lock.json', lock);

  const released = changelogVersion();
  if (released !== version) {
    problems.push(
      `CHANGELOG.md: latest version heading is ${released ?? '(none)'}, root package.json is ${version}`,
    );
  }
  return { version, differences, problems };
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const { version, differences, problems } = syncVersions({ check });
  for (const line of differences) console.log(`${check ? 'differs' : 'updated'}: ${line}`);
  for (const line of problems) console.error(`error: ${line}`);
  if (problems.length > 0 || (check && differences.length > 0)) {
    if (check && differences.length > 0) console.error('run `node scripts/sync-versions.js`');
    process.exit(1);
  }
  console.log(`versions: every package is ${version}`);
}

module.exports = { syncVersions };
