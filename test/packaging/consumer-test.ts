/**
 * Consumer test (`npm run test:consumer`, run by `.ci/run`): proves a stranger's Nest app can use
 * the published packages.
 *
 * 1. checks the versions are in sync (`scripts/sync-versions.js --check`), then `npm run pack`;
 * 2. creates a fresh app under `os.tmpdir()` that installs the two tarballs plus Nest, rxjs,
 *    reflect-metadata, TypeScript and @types/node from the npm registry, without optional
 *    dependencies (a TCP-only install: `@matrixai/quic` must not be needed);
 * 3. checks the installed packages: versions, real folders inside the app, every import of their
 *    `dist/` declared (`scripts/check-package-imports.js`), no path of this repository in them;
 * 4. writes the README examples (every ```ts block whose first line is `// src/<file>.ts`) and
 *    `fixture/verify.ts`, type-checks them with `tsc` (strict, decorators, declarations of the
 *    packages included) under both `nodenext` and `node10` resolution, and compiles them;
 * 5. starts the README's microservice on an ephemeral port, runs the README's clients and the
 *    verifier (open → submit → result → close on both handshakes, byte-exact echoes, every module
 *    loaded from inside the app), stops the service with SIGTERM and expects it to exit;
 * 6. removes the app folder (unless `--keep`).
 *
 * Options: `--nest <range>` (default `^11.0.0`) tries another Nest version (for example `^10.0.0`;
 * add `--legacy-peer-deps` when it is outside the peer range), `--dep <name>@<range>` overrides
 * another dependency of the app (`--dep rxjs@7.8.0`), `--keep` keeps the app folder,
 * `--skip-pack` reuses `dist-pack/`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const PACK_DIR = join(REPO, 'dist-pack');
const READMES = ['libs/nnrp-nest/README.md', 'libs/nnrp-protocol/README.md'];
/** README files the test relies on; a README that loses one of them fails the test. */
const REQUIRED_EXAMPLES = [
  'src/main.ts',
  'src/app.module.ts',
  'src/echo.controller.ts',
  'src/client.ts',
  'src/proxy-client.ts',
  'src/codec.ts',
];
const INSTALL_TIMEOUT_MS = 150_000;
const STEP_TIMEOUT_MS = 60_000;
const LISTEN_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 15_000;
const ECHO_TEXT = 'hello nnrp';

interface Options {
  nest: string;
  /** Extra or overridden dependencies of the app (`--dep rxjs@7.8.0`). */
  deps: Record<string, string>;
  keep: boolean;
  skipPack: boolean;
  legacyPeerDeps: boolean;
}

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    nest: '^11.0.0',
    deps: {},
    keep: false,
    skipPack: false,
    legacyPeerDeps: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const spec = /^(@?[^@]+)@(.+)$/.exec(argv[i + 1] ?? '');
    if (arg === '--nest' && argv[i + 1]) options.nest = argv[++i];
    else if (arg === '--dep' && spec) {
      options.deps[spec[1]] = spec[2];
      i++;
    } else if (arg === '--keep') options.keep = true;
    else if (arg === '--skip-pack') options.skipPack = true;
    else if (arg === '--legacy-peer-deps') options.legacyPeerDeps = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

/** npm settings of the machine (registry, proxy, cache, CA) that a fresh shell would have too. */
const KEPT_NPM_CONFIG = new Set(
  [
    'registry',
    'cache',
    'userconfig',
    'globalconfig',
    'cafile',
    'proxy',
    'https_proxy',
    'noproxy',
  ].map((key) => `npm_config_${key}`),
);

/**
 * The environment of a fresh shell in the app folder: none of what `npm run` adds for this
 * repository (its package, its prefix, its `.npmrc` settings), no preloads.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !KEPT_NPM_CONFIG.has(key.toLowerCase())) continue;
    if (key === 'NODE_OPTIONS' || key === 'NODE_PATH' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its output when it fails or times out. */
async function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? STEP_TIMEOUT_MS;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (code !== 0) {
    const why = signal ? `signal ${signal} (timeout ${timeoutMs} ms?)` : `exit ${code}`;
    throw new Error(
      `${command} ${args.join(' ')} failed: ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
    );
  }
  return { stdout, stderr };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function writeFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The README examples: ```ts blocks starting with a `// src/<file>.ts` line. */
function readmeExamples(): Map<string, string> {
  const files = new Map<string, string>();
  const block = /```ts\n\/\/ (src\/[\w./-]+\.ts)\n([\s\S]*?)```/g;
  for (const readme of READMES) {
    const text = readFileSync(join(REPO, readme), 'utf8');
    for (const [, file, code] of text.matchAll(block)) {
      if (files.has(file)) throw new Error(`${readme}: example ${file} is defined twice`);
      files.set(file, `// From ${readme}\n${code}`);
    }
  }
  const missing = REQUIRED_EXAMPLES.filter((file) => !files.has(file));
  if (missing.length > 0) throw new Error(`README examples missing: ${missing.join(', ')}`);
  return files;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(file) : [file];
  });
}

/** Checks the installed packages: versions, real folders, no path of this repository. */
function checkInstalled(app: string, version: string): void {
  const nestDir = join(app, 'node_modules', '@nest-nnrp', 'nest');
  const protocolDir = join(app, 'node_modules', '@nest-nnrp', 'protocol');
  for (const dir of [nestDir, protocolDir]) {
    if (!existsSync(dir)) throw new Error(`${dir} was not installed`);
    if (lstatSync(dir).isSymbolicLink()) throw new Error(`${dir} is a link (${realpathSync(dir)})`);
    const manifest = readJson<Manifest>(join(dir, 'package.json'));
    if (manifest.version !== version) {
      throw new Error(
        `${manifest.name} installed as ${manifest.version}, repository is ${version}`,
      );
    }
    for (const file of listFiles(dir)) {
      if (readFileSync(file, 'utf8').includes(REPO)) {
        throw new Error(`${relative(app, file)} contains the repository path ${REPO}`);
      }
    }
  }
  const nest = readJson<Manifest>(join(nestDir, 'package.json'));
  if (nest.dependencies?.['@nest-nnrp/protocol'] !== version) {
    throw new Error(
      `@nest-nnrp/nest depends on @nest-nnrp/protocol ${nest.dependencies?.['@nest-nnrp/protocol']}, expected ${version}`,
    );
  }
  if (existsSync(join(app, 'node_modules', '@matrixai', 'quic'))) {
    throw new Error('@matrixai/quic was installed although optional dependencies were omitted');
  }
}

/** Starts the README service with NNRP_PORT=0 and resolves with its port once it listens. */
async function startService(
  app: string,
  log: string[],
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: app,
    env: cleanEnv({ NNRP_PORT: '0' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the service did not listen within ${LISTEN_TIMEOUT_MS} ms`)),
      LISTEN_TIMEOUT_MS,
    );
    const onData = (chunk: string): void => {
      log.push(chunk);
      const match = /NNRP listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(log.join(''));
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => log.push(chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the service exited before listening (${code ?? signal})`));
    });
  });
  return { child, port };
}

/** SIGTERM, then expects the process to end by itself (enableShutdownHooks + close()). */
async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    throw new Error(`the service died early (${child.exitCode ?? child.signalCode})`);
  }
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (signal === 'SIGKILL') {
    throw new Error(`the service did not exit within ${EXIT_TIMEOUT_MS} ms of SIGTERM`);
  }
  if (code !== null && code !== 0) throw new Error(`the service exited with ${code}`);
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    lib: ['ES2022'],
    types: ['node'],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    // Type-check the packages' declarations too (and so what they import).
    skipLibCheck: false,
    forceConsistentCasingInFileNames: true,
    outDir: 'dist',
    rootDir: 'src',
  },
  include: ['src'],
};

/** The classic `"module": "commonjs"` setup (ignores `exports`, reads `types`). */
const TSCONFIG_NODE10 = {
  extends: './tsconfig.json',
  compilerOptions: { module: 'commonjs', moduleResolution: 'node10', noEmit: true },
};

type Step = (message: string) => void;

interface Tarballs {
  protocol: string;
  nest: string;
}

/** Writes the app's package.json and installs it: tarballs, Nest, TypeScript; no optionals. */
async function installApp(
  app: string,
  tarballs: Tarballs,
  root: Manifest,
  options: Options,
  step: Step,
): Promise<void> {
  const manifest: Manifest & Record<string, unknown> = {
    name: 'nnrp-consumer-app',
    version: '0.0.0',
    private: true,
    dependencies: {
      '@nest-nnrp/nest': `file:${tarballs.nest}`,
      '@nest-nnrp/protocol': `file:${tarballs.protocol}`,
      '@nestjs/common': options.nest,
      '@nestjs/core': options.nest,
      '@nestjs/microservices': options.nest,
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.1',
      ...options.deps,
    },
    devDependencies: {
      typescript: root.devDependencies?.typescript ?? '^5.9.0',
      '@types/node': root.devDependencies?.['@types/node'] ?? '^20.0.0',
    },
  };
  writeFile(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  step(`npm install in ${app} (Nest ${options.nest})`);
  const args = ['install', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error'];
  if (options.legacyPeerDeps) args.push('--legacy-peer-deps');
  await run('npm', args, { cwd: app, timeoutMs: INSTALL_TIMEOUT_MS });
  const installed = (name: string): string | undefined =>
    readJson<Manifest>(join(app, 'node_modules', name, 'package.json')).version;
  step(
    `installed @nestjs/core ${installed('@nestjs/core')}, rxjs ${installed('rxjs')}, ` +
      `reflect-metadata ${installed('reflect-metadata')}; checking the packages`,
  );
}

/** Writes the README examples and the verifier, type-checks them twice and compiles them. */
async function compileApp(app: string, examples: Map<string, string>, step: Step): Promise<void> {
  for (const [file, code] of examples) writeFile(join(app, file), code);
  writeFile(
    join(app, 'src', 'verify.ts'),
    readFileSync(join(__dirname, 'fixture', 'verify.ts'), 'utf8'),
  );
  writeFile(join(app, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  writeFile(join(app, 'tsconfig.node10.json'), `${JSON.stringify(TSCONFIG_NODE10, null, 2)}\n`);
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  step('tsc (node10 resolution, no emit)');
  await run(process.execPath, [tsc, '-p', 'tsconfig.node10.json'], { cwd: app });
  step('tsc (nodenext resolution)');
  await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
}

/** Runs the protocol example, then the service with its clients and the verifier. */
async function runApp(app: string, serviceLog: string[], step: Step): Promise<void> {
  const codec = await run(process.execPath, ['dist/codec.js'], { cwd: app });
  if (
    !/^PING 42n\s*$/m.test(codec.stdout) ||
    !/^CLOSE 0n bye$/m.test(codec.stdout) ||
    !/^rejected: /m.test(codec.stdout)
  ) {
    throw new Error(`the protocol README example printed:\n${codec.stdout}`);
  }

  step('starting the README microservice');
  const { child, port } = await startService(app, serviceLog);
  try {
    const env = cleanEnv({ NNRP_PORT: String(port) });
    step(`listening on ${port}; README client, proxy client, verifier`);
    const client = await run(process.execPath, ['dist/client.js'], { cwd: app, env });
    if (!client.stdout.includes(`echo: ${ECHO_TEXT}`)) {
      throw new Error(`the README client printed:\n${client.stdout}${client.stderr}`);
    }
    const proxy = await run(process.execPath, ['dist/proxy-client.js'], { cwd: app, env });
    if (!proxy.stdout.includes('proxy echo: hi')) {
      throw new Error(`the README proxy client printed:\n${proxy.stdout}${proxy.stderr}`);
    }
    const verify = await run(process.execPath, ['dist/verify.js'], { cwd: app, env });
    process.stdout.write(verify.stdout);
    step('stopping the service (SIGTERM)');
    await stopService(child);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = Date.now();
  const step: Step = (message) =>
    console.log(`[consumer ${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}`);

  const root = readJson<Manifest>(join(REPO, 'package.json'));
  const version = root.version!;
  await run(process.execPath, ['scripts/sync-versions.js', '--check'], { cwd: REPO });
  if (!options.skipPack) {
    step('npm run pack');
    await run('npm', ['run', '--silent', 'pack'], { cwd: REPO, timeoutMs: 120_000 });
  }
  const tarballs: Tarballs = {
    protocol: join(PACK_DIR, `nest-nnrp-protocol-${version}.tgz`),
    nest: join(PACK_DIR, `nest-nnrp-nest-${version}.tgz`),
  };
  for (const tarball of Object.values(tarballs)) {
    if (!existsSync(tarball)) throw new Error(`${tarball} is missing (npm run pack)`);
  }
  const examples = readmeExamples();

  const app = mkdtempSync(join(realpathSync(tmpdir()), 'nnrp-consumer-'));
  if (!relative(REPO, app).startsWith('..')) throw new Error(`${app} is inside the repository`);
  const serviceLog: string[] = [];
  try {
    await installApp(app, tarballs, root, options, step);
    checkInstalled(app, version);
    await run(
      process.execPath,
      [
        join(REPO, 'scripts', 'check-package-imports.js'),
        join(app, 'node_modules', '@nest-nnrp', 'protocol'),
        join(app, 'node_modules', '@nest-nnrp', 'nest'),
      ],
      { cwd: app },
    );
    await compileApp(app, examples, step);
    await runApp(app, serviceLog, step);
    const nestVersion = readJson<Manifest>(
      join(app, 'node_modules', '@nestjs', 'core', 'package.json'),
    ).version;
    step(`ok: Nest ${nestVersion}, @nest-nnrp/* ${version}`);
  } catch (error) {
    if (serviceLog.length > 0) console.error(`--- service output\n${serviceLog.join('')}`);
    throw error;
  } finally {
    if (options.keep) console.log(`kept ${app}`);
    else rmSync(app, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`consumer test failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
