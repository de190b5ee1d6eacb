import { DEFAULT_FUZZ_CONFIG } from '../../bench/fuzz/fuzz-config';
import { FuzzController } from '../../bench/fuzz/fuzz-controller';
import { runFuzz } from '../../bench/fuzz/fuzz-engine';
import { summarize } from '../../bench/fuzz/fuzz-report';
import { FUZZ_SERVER_OPTIONS } from '../../bench/fuzz/fuzz-server-options';
import { InProcessFuzzTarget } from '../support/in-process-fuzz-target';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';

const MIB = 1024 * 1024;
/** The in-process RSS holds the fuzzer too: the bound is on growth, and generous. */
const RSS_GROWTH_LIMIT_MB = 300;

describe('short fuzz run (the `npm run fuzz` engine, in-process, ~20,000 packets, TCP and QUIC)', () => {
  let server: NnrpTestApp;
  let target: InProcessFuzzTarget;

  beforeAll(async () => {
    // TCP and QUIC listeners side by side; the attacks take each carrier in turn.
    server = await startNnrpTestApp([FuzzController], {
      ...FUZZ_SERVER_OPTIONS,
      quic: { host: '127.0.0.1', port: 0, dev: true },
    });
    target = new InProcessFuzzTarget(server);
  });
  afterAll(async () => {
    await server.close();
    target.dispose();
  });

  it('survives mutated, flooded, split and foreign traffic; control echoes stay correct', async () => {
    const baselineMb = process.memoryUsage.rss() / MIB;
    const report = await runFuzz(target, {
      ...DEFAULT_FUZZ_CONFIG,
      packets: 20_000,
      connections: 16,
      seconds: 15,
      seed: 20261121,
      rssCeilingMb: Math.round(baselineMb + RSS_GROWTH_LIMIT_MB),
    });
    // On failure the summary is the message: each finding with the seed that replays it.
    expect(report.findings.total === 0 ? 'no findings' : summarize(report)).toBe('no findings');
    expect(report.crashes).toBe(0);
    expect(report.packetsSent).toBeGreaterThanOrEqual(20_000);
    for (const carrier of DEFAULT_FUZZ_CONFIG.carriers) {
      expect(report.carriers[carrier]?.connections).toBeGreaterThan(0);
    }
    expect(report.control.ok).toBeGreaterThan(0);
    expect(report.control.failed).toBe(0);
    expect(report.server.peakRssMb - baselineMb).toBeLessThan(RSS_GROWTH_LIMIT_MB);
    expect(report.server.connectionsAfter).toBe(0);
  }, 40_000);
});
