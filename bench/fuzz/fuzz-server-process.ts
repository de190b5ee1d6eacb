import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { FuzzTarget, ServerStats } from './fuzz-target';

/** A stats request the server does not answer within this time is a finding. */
const STATS_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 10_000;
/** How much of the server's stderr a crash report keeps (its stack trace). */
const STDERR_TAIL_BYTES = 4096;

interface ServerMessage {
  ready?: number;
  quicPort?: number;
  ca?: string;
  statsReply?: number;
  stats?: ServerStats;
}

/**
 * fuzz-server.ts in a child process, watched for crashes: unlike the benches' server process,
 * an exit during the run is recorded with the tail of the server's stderr (its stack trace),
 * and the server can be restarted so one crash does not end the run.
 */
export class FuzzServerProcess implements FuzzTarget {
  private crash: string | undefined;
  private nextRequest = 1;
  private readonly pending = new Map<
    number,
    { resolve: (stats: ServerStats) => void; reject: (error: Error) => void }
  >();
  private stopping = false;
  private stderrTail = '';

  private constructor(
    private child: ChildProcess,
    public port: number,
    public quic: FuzzTarget['quic'],
  ) {
    this.watch(child);
  }

  /** Forks the server and waits for its ports. */
  static async start(): Promise<FuzzServerProcess> {
    const { child, port, quic } = await forkServer();
    return new FuzzServerProcess(child, port, quic);
  }

  crashed(): string | undefined {
    return this.crash;
  }

  /** Starts a fresh server after a crash (on a new port). */
  async restart(): Promise<void> {
    const { child, port, quic } = await forkServer();
    this.child = child;
    this.port = port;
    this.quic = quic;
    this.crash = undefined;
    this.stderrTail = '';
    this.watch(child);
  }

  stats(collect = false): Promise<ServerStats> {
    if (this.crash) return Promise.reject(new Error(this.crash));
    const id = this.nextRequest++;
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no stats reply within ${STATS_TIMEOUT_MS} ms`));
      }, STATS_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (stats) => {
          clearTimeout(timer);
          resolvePromise(stats);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ stats: id, collect });
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

  private watch(child: ChildProcess): void {
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
    });
    child.on('message', (message: ServerMessage) => {
      if (message.statsReply === undefined || !message.stats) return;
      this.pending.get(message.statsReply)?.resolve(message.stats);
      this.pending.delete(message.statsReply);
    });
    child.on('exit', (code, signal) => {
      if (this.stopping || child !== this.child) return;
      this.crash = `server exited with code ${code}, signal ${signal}: ${this.stderrTail.trim()}`;
      // Requests the dead server will never answer fail now, as the crash.
      for (const request of this.pending.values()) request.reject(new Error(this.crash));
      this.pending.clear();
    });
  }
}

interface ForkedServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly quic: FuzzTarget['quic'];
}

/** Forks fuzz-server.ts and resolves with it and its ports once it listens. */
function forkServer(): Promise<ForkedServer> {
  const child = fork(resolve(__dirname, 'fuzz-server.ts'), [], {
    // --expose-gc: stats requests can ask for a full collection first (leak checks); the QUIC
    // loader shim lets swc-compiled code load the ESM-only QUIC binding.
    execArgv: [
      '-r',
      '@swc-node/register',
      '-r',
      resolve(__dirname, '..', 'quic', 'register-quic-esm.ts'),
      '--expose-gc',
    ],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  return new Promise((resolvePromise, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`fuzz server exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.on('message', function onReady(message: ServerMessage) {
      if (message.ready === undefined) return;
      child.off('message', onReady);
      child.off('exit', onExit);
      const quic =
        message.quicPort !== undefined && message.ca !== undefined
          ? { port: message.quicPort, ca: message.ca }
          : undefined;
      resolvePromise({ child, port: message.ready, quic });
    });
  });
}
