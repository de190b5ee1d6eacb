/**
 * CPU profiles of the NNRP server for the workloads of missed targets, each with the raw
 * node:net server on the same workload as the baseline: the difference is what NNRP adds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CellRunner } from './cell-runner';
import { readProfile, summarizeProfile } from './cpu-profile';
import type { ProfileSummary, TargetOutcome } from './report-types';
import type { TransportId } from './transports';

const PROFILED: readonly TransportId[] = ['nnrp-tcp', 'raw-net'];

export async function profileMissedTargets(
  runner: CellRunner,
  targets: TargetOutcome[],
  durationMs: number,
  log: (line: string) => void,
): Promise<ProfileSummary[]> {
  const byWorkload = new Map<string, string[]>();
  for (const target of targets.filter((t) => t.verdict === 'missed'))
    byWorkload.set(target.workload, [...(byWorkload.get(target.workload) ?? []), target.id]);
  const profiles: ProfileSummary[] = [];
  for (const [workload, ids] of byWorkload) {
    for (const transport of PROFILED) {
      const profile = await profileOne(runner, transport, workload, durationMs, log);
      if (profile) profiles.push({ ...profile, targets: ids });
    }
  }
  return profiles;
}

async function profileOne(
  runner: CellRunner,
  transport: TransportId,
  workload: string,
  durationMs: number,
  log: (line: string) => void,
): Promise<Omit<ProfileSummary, 'targets'> | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'nnrp-bench-prof-'));
  try {
    log(`profiling ${transport} ${workload}`);
    const outcome = await runner.run({
      transport,
      workloadId: workload,
      durationMs,
      profileDir: dir,
    });
    if (!outcome.ok) {
      log(`  profile run failed: ${outcome.reason}`);
      return undefined;
    }
    const { measurement } = outcome;
    return {
      transport,
      workload,
      frames: measurement.load.frames,
      ...summarizeProfile(readProfile(dir), measurement.loadWindowUs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
