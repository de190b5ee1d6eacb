import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';

/** A bench server running in its own process (see tcp/server-control.ts). */
export interface BenchServerProcess {
  readonly port: number;
  stats(): Promise<{ cpuSeconds: number; peakRss: number }>;
  stop(): Promise<void>;
}

/** Forks `script` (a TypeScript file under bench/) and waits for its READY message. */
export function startBenchServer(script: string): Promise<BenchServerProcess> {
  const child: ChildProcess = fork(resolve(__dirname, '..', script), [], {
    execArgv: ['-r', '@swc-node/register'],
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
            child.once('message', (m) => done(m as { cpuSeconds: number; peakRss: number }));
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
