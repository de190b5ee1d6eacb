import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';

/** A bench server running in its own process (see tcp/server-control.ts). */
/** What a bench server reports about itself. */
export interface BenchServerStats {
  cpuSeconds: number;
  peakRss: number;
  /** Listener counters (QUIC: datagramsReceived/datagramsSent…). */
  listeners?: Record<string, number>[];
}

export interface BenchServerProcess {
  readonly port: number;
  stats(): Promise<BenchServerStats>;
  stop(): Promise<void>;
}

/**
 * Forks `script` (a TypeScript file under bench/) with `env` added, and waits for its READY
 * message. The QUIC loader shim lets swc-compiled code load the ESM-only QUIC binding.
 */
export function startBenchServer(
  script: string,
  env: Record<string, string> = {},
): Promise<BenchServerProcess> {
  const child: ChildProcess = fork(resolve(__dirname, '..', script), [], {
    execArgv: [
      '-r',
      '@swc-node/register',
      '-r',
      resolve(__dirname, '..', 'quic', 'register-quic-esm.ts'),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.once('message', (message: { ready?: number }) => {
      if (message.ready === undefined)
        return reject(new Error(`${script}: unexpected ${JSON.stringify(message)}`));
      resolvePromise({
        port: message.ready,
        stats: () =>
          new Promise((done) => {
            child.once('message', (m) => done(m as BenchServerStats));
            child.send('stats');
          }),
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.send('stop');
          }),
      });
    });
  });
}
