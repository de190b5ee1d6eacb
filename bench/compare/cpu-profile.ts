/**
 * Reads a V8 `.cpuprofile` (written by a profiled bench server, see cpu-profile-preload.ts) and sums self time per
 * function and per source area, counting only samples inside the load window, so the server's
 * start-up (TypeScript compilation, Nest bootstrap) stays out of the picture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProfileEntry } from './report-types';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const REPO = resolve(__dirname, '..', '..');
const TOP_FUNCTIONS = 15;

function asCpuProfile(value: unknown): CpuProfile {
  if (
    typeof value === 'object' &&
    value !== null &&
    'nodes' in value &&
    Array.isArray(value.nodes) &&
    'samples' in value &&
    Array.isArray(value.samples) &&
    'timeDeltas' in value &&
    Array.isArray(value.timeDeltas) &&
    'startTime' in value &&
    typeof value.startTime === 'number'
  )
    return value as CpuProfile;
  throw new Error('not a V8 CPU profile');
}

/** The one profile a profiled server wrote into `dir`. */
export function readProfile(dir: string): CpuProfile {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return asCpuProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')));
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(`${REPO}/`, '');
}

/** Where a function lives, coarsely: a library folder, a package, a Node core module. */
function areaOf(node: ProfileNode): string {
  const url = shortUrl(node.callFrame.url);
  if (url === '') return node.callFrame.functionName; // (garbage collector), (program), …
  // CommonJS output of `export * from` reads every binding through a getter on the barrel.
  if (/\/index\.ts$/.test(url) && node.callFrame.functionName === 'get')
    return 're-export getters (index.ts barrels)';
  const lib = /^libs\/([^/]+)\/src\/([^/]+)/.exec(url);
  if (lib) return `${lib[1]}/${lib[2]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url.split('/').slice(0, 2).join('/');
}

function top(selfUs: Map<string, number>, busyUs: number, limit: number): ProfileEntry[] {
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => {
      const [name, location] = key.split('\t');
      return { name, location, selfMs: us / 1000, share: us / busyUs };
    });
}

export interface ProfileBreakdown {
  sampledMs: number;
  topFunctions: ProfileEntry[];
  areas: ProfileEntry[];
}

/** Self time per function and per area in `[fromUs, toUs]` (CLOCK_MONOTONIC µs); idle excluded. */
export function summarizeProfile(
  profile: CpuProfile,
  [fromUs, toUs]: [number, number],
): ProfileBreakdown {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busyUs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const node = nodes.get(id);
    if (!node || at < fromUs || at > toUs || node.callFrame.functionName === '(idle)') return;
    busyUs += delta;
    const { functionName, lineNumber } = node.callFrame;
    const url = shortUrl(node.callFrame.url);
    const key = `${functionName || '(anonymous)'}\t${url ? `${url}:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + delta);
    const area = `${areaOf(node)}\t`;
    byArea.set(area, (byArea.get(area) ?? 0) + delta);
  });
  return {
    sampledMs: busyUs / 1000,
    topFunctions: top(byFunction, busyUs, TOP_FUNCTIONS),
    areas: top(byArea, busyUs, TOP_FUNCTIONS),
  };
}
