#!/usr/bin/env node
// Completes package-lock.json with the platform-specific optional packages npm could not
// resolve from the registry this project installs from (it lacks e.g. the darwin and win32
// builds of some versions). npm leaves them out of the lock, and `npm ci` then refuses the lock
// as out of sync. Each missing package gets an entry at the version its parent asks for, marked
// optional, with the os/cpu/libc its name states, so npm skips it on every other platform.
// Run after changing dependencies: `node scripts/complete-lockfile.js` (idempotent).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');

const LOCK = resolve(__dirname, '..', 'package-lock.json');
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];
const LIBC = { gnu: 'glibc', gnueabihf: 'glibc', musl: 'musl', musleabihf: 'musl' };

/** os / cpu / libc stated by a platform package name such as `@swc/core-linux-arm-gnueabihf`. */
function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const entry = {};
  const os = tokens.find((t) => OS.includes(t));
  if (os) entry.os = [os];
  if (tokens.includes('universal')) entry.cpu = ['x64', 'arm64'];
  const cpu = tokens.find((t) => CPU.includes(t));
  if (cpu && !entry.cpu) entry.cpu = [cpu];
  const libc = tokens.map((t) => LIBC[t]).find(Boolean);
  if (libc) entry.libc = [libc];
  return entry;
}

const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    // Where npm would place it: beside the parent's own node_modules, else hoisted to the root.
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    const platform = platformOf(name);
    if (!platform.os && !platform.cpu) continue; // not a platform build: leave it to npm
    packages[hoisted] = { version: range.replace(/^[\^~=]/, ''), optional: true, ...platform };
    added++;
  }
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: ${added} optional platform package(s) added`);
