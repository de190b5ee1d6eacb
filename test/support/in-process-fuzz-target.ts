import { config } from 'rxjs';
import { FuzzTarget, ServerStats } from '../../bench/fuzz/fuzz-target';
import { NnrpTestApp } from './nnrp-test-app';
import { retainedBytes } from './retained-memory';

/**
 * A test app as the fuzzer's target: same process, so stats are read directly (RSS includes the
 * fuzzer's own; bounds must allow for it). An error escaping a handler's stream, which rxjs
 * rethrows on a timer and which kills a server process, counts as the crash it would be.
 */
export class InProcessFuzzTarget implements FuzzTarget {
  /** The fuzzer's records share this heap: the leak check belongs to `npm run fuzz`. */
  readonly ownHeap = false;
  private peakRss = process.memoryUsage.rss();
  private crash: string | undefined;

  constructor(private readonly server: NnrpTestApp) {
    config.onUnhandledError = (error: unknown) => {
      this.crash ??= `uncaught error (would exit a server process): ${String(error)}`;
    };
  }

  get port(): number {
    return this.server.port;
  }

  get quic(): FuzzTarget['quic'] {
    const { quicPort, certificatePem } = this.server;
    if (quicPort === undefined || certificatePem === undefined) return undefined;
    return { port: quicPort, ca: certificatePem };
  }

  async stats(collect = false): Promise<ServerStats> {
    if (collect) retainedBytes(); // runs the full GC
    const memory = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, memory.rss);
    return {
      rss: memory.rss,
      peakRss: this.peakRss,
      heapUsed: memory.heapUsed,
      arrayBuffers: memory.arrayBuffers,
      connections: this.server.transport.unwrap().connectionCount,
    };
  }

  crashed(): string | undefined {
    return this.crash;
  }

  /** Gives rxjs its default back (call once the app is closed). */
  dispose(): void {
    config.onUnhandledError = null;
  }
}
