/**
 * The orchestrator's side of the cell driver (cell-driver.ts): forks it into a process group of
 * its own, sends it cells, and watches each one. A cell whose progress stops for `stallMs` (Nest
 * TCP's read-pause deadlock, a server that died) is failed with the reason, and the whole group,
 * driver and server, is killed by its id; the next cell gets a fresh driver.
 */
import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { CellOutcome } from './cell-outcome';
import { asDriverMessage, CellSpec, DriverMessage } from './driver-protocol';

/** How long a cell may take beyond its load duration even while it still makes progress. */
const HARD_CAP_EXTRA_MS = 120_000;
const WATCHDOG_TICK_MS = 500;

export class DriverHandle {
  private constructor(private readonly child: ChildProcess) {}

  /** Forks a driver and waits until it is ready for cells. */
  static start(): Promise<DriverHandle> {
    const child = fork(resolve(__dirname, 'cell-driver.ts'), [], {
      execArgv: ['-r', '@swc-node/register'],
      // Its own process group: a stalled cell is ended by killing the group (driver + server).
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolveStart, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`cell driver exited with ${code}`)));
      child.once('message', (raw: unknown) => {
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        if (asDriverMessage(raw)?.type === 'ready') resolveStart(new DriverHandle(child));
        else reject(new Error(`cell driver: unexpected ${JSON.stringify(raw)}`));
      });
    });
  }

  /** Runs one cell under the watchdog. After a stall the handle is dead: start a new one. */
  run(cell: CellSpec, stallMs: number): Promise<CellOutcome> {
    return new Promise((resolveRun) => {
      const startedAt = Date.now();
      let progress = -1;
      let answered: number | undefined;
      let progressAt = startedAt;
      const finish = (outcome: CellOutcome): void => {
        clearInterval(watchdog);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolveRun(outcome);
      };
      const onMessage = (raw: unknown): void => {
        const message: DriverMessage | undefined = asDriverMessage(raw);
        if (message?.type === 'progress' && message.value !== progress) {
          progress = message.value;
          answered = message.answered;
          progressAt = Date.now();
        } else if (message?.type === 'result') {
          finish({ ok: true, measurement: message.measurement });
        } else if (message?.type === 'error') {
          finish({ ok: false, reason: message.message, stalled: false });
        }
      };
      const onExit = (code: number | null): void =>
        finish({ ok: false, reason: `cell driver exited with ${code}`, stalled: true });
      const watchdog = setInterval(() => {
        const now = Date.now();
        const stalled = now - progressAt > stallMs;
        const overdue = now - startedAt > cell.durationMs + HARD_CAP_EXTRA_MS;
        if (!stalled && !overdue) return;
        this.kill();
        finish({
          ok: false,
          stalled: true,
          reason: stalled
            ? `stalled: no progress for ${stallMs / 1000} s; ` +
              (answered === undefined ? '' : `${answered} requests answered before; `) +
              'server and client killed'
            : `overdue: still running ${Math.round((now - startedAt) / 1000)} s after start; killed`,
        });
      }, WATCHDOG_TICK_MS);
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type: 'cell', cell });
    });
  }

  /** Ends the driver and whatever server it runs: SIGKILL to its process group. */
  kill(): void {
    if (this.child.pid === undefined || this.child.exitCode !== null) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** Lets the driver exit on its own (no cell running). */
  close(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((done) => {
      this.child.once('exit', () => done());
      this.child.send({ type: 'exit' });
    });
  }
}
