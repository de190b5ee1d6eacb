/**
 * Preloaded into a bench server (`NODE_OPTIONS=--require …`) to CPU-profile it: Node 20 refuses
 * `--cpu-prof` in NODE_OPTIONS and the bench server launcher's arguments are fixed. Samples from
 * start to exit and writes a V8 `.cpuprofile` into BENCH_CPU_PROFILE_DIR; the in-process
 * inspector session answers synchronously, so the profile is written inside the exit handler.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
/** Finer than --cpu-prof's 1 ms default: a 64 B request costs a few µs of server CPU. */
const SAMPLING_INTERVAL_US = 200;

if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  session.post('Profiler.start');
  process.on('exit', () =>
    session.post('Profiler.stop', (error, result) => {
      if (!error)
        writeFileSync(
          join(dir, `server-${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
    }),
  );
}
