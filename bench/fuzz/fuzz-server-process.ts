import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { FuzzTarget, ServerStats } from './fuzz-target';

/** A stats request the server does not answer within this time is a finding. */
const STATS_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 10_000;

interface ServerMessage {
  ready?: number;
  statsReply?: number;
  stats?: ServerStats;
}

/**
 * fuzz-server.ts in a child process, watched for crashes: unlike the benches' server process,
 * an exit during the run is recorded (the fuzzer's first finding), and stats requests time out.
 */
export class FuzzServerProcess implements FuzzTarget {
  private crash: string | undefined;
  private nextRequest = 1;
  private readonly pending = new Map<number, (stats: ServerStats) => void>();
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: ServerMessage) => {
      if (message.statsReply === undefined || !message.stats) return;
      this.pending.get(message.statsReply)?.(message.stats);
      this.pending.delete(message.statsReply);
    });
    child.on('exit', (code, signal) => {
      if (!this.stopping) this.crash = `server exited with code ${code}, signal ${signal}`;
    });
  }

  /** Forks the server and waits for its port. */
  static start(): Promise<FuzzServerProcess> {
    const child = fork(resolve(__dirname, 'fuzz-server.ts'), [], {
      execArgv: ['-r', '@swc-node/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolvePromise, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`fuzz server exited with ${code} before it was ready`));
      child.once('exit', onExit);
      child.on('message', function onReady(message: ServerMessage) {
        if (message.ready === undefined) return;
        child.off('message', onReady);
        child.off('exit', onExit);
        resolvePromise(new FuzzServerProcess(child, message.ready));
      });
    });
  }

  crashed(): string | undefined {
    return this.crash;
  }

  stats(): Promise<ServerStats> {
    if (this.crash) return Promise.reject(new Error(this.crash));
    const id = this.nextRequest++;
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no stats reply within ${STATS_TIMEOUT_MS} ms`));
      }, STATS_TIMEOUT_MS);
      this.pending.set(id, (stats) => {
        clearTimeout(timer);
        resolvePromise(stats);
      });
      this.child.send({ stats: id });
    });
  }

  /** Asks the server to close gracefully; kills it if it does not exit in time. */
  async stop(): Promise<void> {
    if (this.crash || this.child.exitCode !== null) return;
    this.stopping = true;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.send({ stop: true });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
