/**
 * Fuzzer: starts the NNRP server in its own process and throws at it, for a bounded time, at
 * least `FUZZ_PACKETS` packets built from the conformance vectors and the codec and then
 * mutated, over `FUZZ_CONNECTIONS` concurrent connections, while control sessions check their
 * echoes. Writes bench/results/fuzz.json; exits non-zero on any finding. Run: `npm run fuzz`
 * (`FUZZ_PACKETS`, `FUZZ_CONNECTIONS`, `FUZZ_SECONDS`, `FUZZ_SEED`, `FUZZ_RSS_CEILING_MB`).
 */
import { machine, writeReport } from '../support/measure';
import { fuzzConfigFromEnv } from './fuzz-config';
import { runFuzz } from './fuzz-engine';
import { summarize } from './fuzz-report';
import { FuzzServerProcess } from './fuzz-server-process';

async function main(): Promise<void> {
  const config = fuzzConfigFromEnv();
  console.log(`fuzz config: ${JSON.stringify(config)}`);
  const server = await FuzzServerProcess.start();
  const report = await runFuzz(server, config, { onProgress: (line) => console.log(line) });
  await server.stop();
  const path = writeReport('fuzz.json', {
    benchmark: 'fuzz',
    command: 'npm run fuzz',
    date: new Date().toISOString(),
    machine: machine(),
    ...report,
  });
  console.log(summarize(report));
  console.log(`report: ${path}`);
  process.exit(report.findings.total > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
