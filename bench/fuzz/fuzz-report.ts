import { AttackKind } from './attack-script';
import { ConnectionOutcome } from './attack-runner';
import { Finding } from './finding';
import { FuzzConfig } from './fuzz-config';
import { RawCarrier } from './raw-wire';

const MIB = 1024 * 1024;

/** What one attack kind did over a run. */
export interface AttackTally {
  connections: number;
  packets: number;
  readonly outcomes: Partial<Record<ConnectionOutcome, number>>;
}

/** What one fuzz run did and found (written to bench/results/fuzz.json). */
export interface FuzzReport {
  readonly config: FuzzConfig;
  readonly durationSeconds: number;
  readonly packetsSent: number;
  readonly packetsPerSecond: number;
  /** Hostile connections made. */
  readonly connections: number;
  readonly crashes: number;
  readonly server: {
    readonly baselineRssMb: number;
    readonly peakRssMb: number;
    readonly finalRssMb: number;
    readonly rssCeilingMb: number;
    /**
     * Heap + buffers referenced after the run (full GC, no connections) minus at the start;
     * `null` when a crash replaced the server process.
     */
    readonly retainedGrowthMb: number | null;
    /** Connections still open on the server after the run (must be 0). */
    readonly connectionsAfter: number;
  };
  readonly control: {
    /** Echo answers checked byte for byte. */
    readonly ok: number;
    readonly failed: number;
    /** Failures while a crashed server was down or restarting (the crash's fallout). */
    readonly failedAroundCrashes: number;
    readonly reconnects: number;
  };
  /** Bad-connection outcomes histogram. */
  readonly outcomes: Partial<Record<ConnectionOutcome, number>>;
  /** Per attack kind: connections, packets, and how they ended. */
  readonly attacks: Partial<Record<AttackKind, AttackTally>>;
  /** The same per carrier (TCP, QUIC bidi model, QUIC uni model). */
  readonly carriers: Partial<Record<RawCarrier, AttackTally>>;
  /** ERROR codes the server sent, by hex code. */
  readonly errorCodes: Record<string, number>;
  readonly findings: {
    readonly total: number;
    readonly byKind: Record<string, number>;
    readonly examples: readonly Finding[];
  };
}

export function megabytes(bytes: number): number {
  return Math.round((bytes / MIB) * 10) / 10;
}

/** A few lines for the console. */
export function summarize(report: FuzzReport): string {
  const { server, control, findings } = report;
  const lines = [
    `fuzz: ${report.packetsSent.toLocaleString('en-US')} packets over ${report.connections.toLocaleString('en-US')} connections in ${report.durationSeconds.toFixed(1)} s (${Math.round(report.packetsPerSecond).toLocaleString('en-US')} packets/s)`,
    `server: crashes ${report.crashes}, RSS baseline ${server.baselineRssMb} MiB, peak ${server.peakRssMb} MiB (ceiling ${server.rssCeilingMb}), final ${server.finalRssMb} MiB, retained growth ${server.retainedGrowthMb === null ? 'n/a (server restarted)' : `${server.retainedGrowthMb} MiB`}, connections left ${server.connectionsAfter}`,
    `control: ${control.ok.toLocaleString('en-US')} answers ok, ${control.failed} failed (${control.failedAroundCrashes} around crashes), ${control.reconnects} reconnects`,
    `outcomes: ${JSON.stringify(report.outcomes)}`,
    `carriers: ${Object.entries(report.carriers)
      .map(
        ([carrier, tally]) =>
          `${carrier} ${tally.connections} connections / ${tally.packets} packets`,
      )
      .join(', ')}`,
    `error codes: ${JSON.stringify(report.errorCodes)}`,
    `findings: ${findings.total} ${JSON.stringify(findings.byKind)}`,
  ];
  for (const example of findings.examples) lines.push(`  - ${example.kind}: ${example.detail}`);
  return lines.join('\n');
}
