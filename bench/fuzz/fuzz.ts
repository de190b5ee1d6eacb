/**
 * Fuzzer: starts the NNRP server in its own process and throws at it, for a bounded time, at
 * least `FUZZ_PACKETS` packets built from the conformance vectors and the codec and then
 * mutated, over `FUZZ_CONNECTIONS` concurrent connections, while control sessions check their
 * echoes. Writes bench/results/fuzz.json; exits non-zero on any finding. Run: `npm run fuzz`
 * (`FUZZ_PACKETS`, `FUZZ_CONNECTIONS`, `FUZZ_SECONDS`, `FUZZ_SEED`, `FUZZ_RSS_CEILING_MB`,
 * `FUZZ_SKIP=kind,…`; `FUZZ_REPLAY=<seed>` replays the one connection a finding names).
 */
import '../quic/register-quic-esm';
import { machine, writeReport } from '../support/measure';
import { fuzzConfigFromEnv } from './fuzz-config';
import { runFuzz } from './fuzz-engine';
import { summarize } from './fuzz-report';
import { FuzzServerProcess } from './fuzz-server-process';
import { replayScript } from './replay';

async function main(): Promise<number> {
  const config = fuzzConfigFromEnv();
  const server = await FuzzServerProcess.start();
  if (process.env.FUZZ_REPLAY) {
    const result = await replayScript(server, config, Number(process.env.FUZZ_REPLAY));
    await server.stop();
    console.log(JSON.stringify(result, null, 2));
    return result.crash || result.outcome.findings.length > 0 ? 1 : 0;
  }
  console.log(`fuzz config: ${JSON.stringify(config)}`);
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
  return report.findings.total > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
