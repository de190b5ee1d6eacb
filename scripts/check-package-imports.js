#!/usr/bin/env node
// @ts-check
/**
 * Checks that a built package imports only what its package.json declares: every bare specifier
 * in `dist/**\/*.js` (`require()`, `import()`, `from`) and in `dist/**\/*.d.ts` must be a Node
 * builtin or a `dependencies` / `peerDependencies` / `optionalDependencies` entry. An optional
 * dependency may only be loaded lazily (`import()`), never by a top-level `require()`, and never
 * named by a declaration file: a user who installs without it must still load the package.
 *
 *   node scripts/check-package-imports.js                 both libraries of this repository
 *   node scripts/check-package-imports.js <package dir>…  installed packages (consumer test)
 *
 * Exit code 1 when anything is undeclared; prints what each package imports.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const DEFAULT_PACKAGES = ['libs/nnrp-protocol', 'libs/nnrp-nest'].map((dir) =>
  path.resolve(__dirname, '..', dir),
);
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Top-level loads: `require('x')`, `import x from 'x'`, `export * from 'x'`, `import 'x'`. */
const STATIC_PATTERNS = [
  /\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  /\bfrom\s+(['"])([^'"]+)\1/g,
  /^\s*import\s+(['"])([^'"]+)\1/gm,
];
/** Lazy loads (`import('x')`; in a declaration file, a type reference). */
const LAZY_PATTERNS = [/\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g];

/**
 * `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`.
 * @param {string} specifier
 */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * @param {string} dir
 * @returns {string[]}
 */
function listFiles(dir) {
  /** @type {string[]} */
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(file));
    else files.push(file);
  }
  return files;
}

/**
 * @param {string} text
 * @param {RegExp[]} patterns
 * @returns {Set<string>}
 */
function bareSpecifiers(text, patterns) {
  /** @type {Set<string>} */
  const found = new Set();
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[2];
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) found.add(specifier);
    }
  }
  return found;
}

/**
 * @typedef {{ name: string, imports: Record<string, string[]>, problems: string[] }} PackageReport
 */

/**
 * Checks one package folder (with its built `dist/`).
 * @param {string} packageDir
 * @returns {PackageReport}
 */
function checkPackageImports(packageDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
  const peers = new Set(Object.keys(manifest.peerDependencies ?? {}));
  const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
  /** @type {string[]} */
  const problems = [];
  /** @type {Map<string, Set<string>>} package -> files importing it */
  const imports = new Map();
  const distDir = path.join(packageDir, 'dist');
  if (!fs.existsSync(distDir)) {
    return { name: manifest.name, imports: {}, problems: [`${distDir} does not exist`] };
  }

  for (const file of listFiles(distDir)) {
    const isJs = file.endsWith('.js');
    const isDeclaration = file.endsWith('.d.ts');
    if (!isJs && !isDeclaration) continue;
    const text = fs.readFileSync(file, 'utf8');
    const relative = path.relative(packageDir, file);
    const eager = bareSpecifiers(text, STATIC_PATTERNS);
    const all = new Set([...eager, ...bareSpecifiers(text, LAZY_PATTERNS)]);
    for (const specifier of all) {
      if (BUILTINS.has(specifier)) continue;
      const name = packageOf(specifier);
      if (name === manifest.name) {
        problems.push(`${relative} imports its own package by name (${specifier})`);
        continue;
      }
      const users = imports.get(name) ?? new Set();
      users.add(relative);
      imports.set(name, users);
      if (!dependencies.has(name) && !peers.has(name) && !optional.has(name)) {
        problems.push(`${relative} imports undeclared package ${specifier}`);
      } else if (optional.has(name) && isDeclaration) {
        problems.push(`${relative} names optional dependency ${specifier} in its types`);
      } else if (optional.has(name) && eager.has(specifier)) {
        problems.push(`${relative} loads optional dependency ${specifier} eagerly (use import())`);
      }
    }
  }
  const used = new Set(imports.keys());
  for (const name of [...dependencies, ...optional]) {
    if (!used.has(name)) problems.push(`declared dependency ${name} is never imported`);
  }
  return {
    name: manifest.name,
    imports: Object.fromEntries([...imports].map(([name, files]) => [name, [...files].sort()])),
    problems,
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const packages = args.length > 0 ? args.map((dir) => path.resolve(dir)) : DEFAULT_PACKAGES;
  let failed = false;
  for (const packageDir of packages) {
    const report = checkPackageImports(packageDir);
    const names = Object.keys(report.imports).sort();
    console.log(`${report.name}: imports ${names.length > 0 ? names.join(', ') : 'no packages'}`);
    for (const problem of report.problems) console.error(`  error: ${problem}`);
    failed ||= report.problems.length > 0;
  }
  if (failed) process.exit(1);
}

module.exports = { checkPackageImports };
