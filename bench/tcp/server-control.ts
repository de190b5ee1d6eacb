/**
 * The bench servers' side of the orchestration: print `READY <port>`, answer `cpu` with the
 * process's CPU seconds and peak RSS, exit on `stop`.
 */
export function serveBenchControl(
  port: number,
  close: () => Promise<void>,
  extraStats: () => Record<string, unknown> = () => ({}),
): void {
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  sampler.unref();
  process.on('message', (message: unknown) => {
    if (message === 'stats') {
      const cpu = process.cpuUsage();
      process.send?.({ cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRss, ...extraStats() });
    } else if (message === 'stop') {
      void close().then(() => process.exit(0));
    }
  });
  process.send?.({ ready: port });
}
