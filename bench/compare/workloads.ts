/** The workloads every transport runs (the columns of the comparison). */

/** Which handler a workload calls (see handler-logic.ts). */
export type HandlerKind = 'echo' | 'model' | 'stream' | 'mixed';

export interface Workload {
  /** Stable key in compare.json. */
  readonly id: string;
  readonly title: string;
  readonly handler: HandlerKind;
  readonly bodyBytes: number;
  readonly connections: number;
  /** Requests each connection keeps in flight. */
  readonly window: number;
  /** Part of the `BENCH_QUICK=1` subset. */
  readonly quick: boolean;
}

const KIB = 1024;
const MIB = 1024 * KIB;

const SIZES = [
  { label: '64 B', bytes: 64 },
  { label: '64 KiB', bytes: 64 * KIB },
  { label: '1 MiB', bytes: MIB },
] as const;

const SHAPES = [
  { label: 'lock-step', key: '1x1', connections: 1, window: 1 },
  { label: '8 conns x 16 in flight', key: '8x16', connections: 8, window: 16 },
] as const;

function sizeKey(bytes: number): string {
  return bytes >= MIB ? `${bytes / MIB}MiB` : bytes >= KIB ? `${bytes / KIB}KiB` : `${bytes}B`;
}

function workloadOf(
  handler: HandlerKind,
  size: (typeof SIZES)[number],
  shape: (typeof SHAPES)[number],
): Workload {
  return {
    id: `${handler}-${sizeKey(size.bytes)}-${shape.key}`,
    title: `${handler} ${size.label}, ${shape.label}`,
    handler,
    bodyBytes: size.bytes,
    connections: shape.connections,
    window: shape.window,
    // The quick subset keeps the cells the targets are about.
    quick:
      handler === 'echo' && (size.bytes === 64 || (size.bytes === MIB && shape.connections > 1)),
  };
}

/**
 * echo over every size and shape; the model under concurrent load only (lock-step it adds the
 * same handler time to every transport, and the full run has to fit in about 12 minutes); then
 * the streaming and the mixed case.
 */
export const WORKLOADS: readonly Workload[] = [
  ...SIZES.flatMap((size) => SHAPES.map((shape) => workloadOf('echo', size, shape))),
  ...SIZES.map((size) => workloadOf('model', size, SHAPES[1])),
  {
    id: 'stream-64KiB-8x16',
    title: 'stream 64 KiB in, 32 partial results, 8 conns x 16 in flight',
    handler: 'stream',
    bodyBytes: 64 * KIB,
    connections: 8,
    window: 16,
    quick: true,
  },
  {
    id: 'mixed-64B-8x16',
    title: 'mixed: model 64 B, 10% slow (50 ms) vs 20 ms timeout, 8 conns x 16 in flight',
    handler: 'mixed',
    bodyBytes: 64,
    connections: 8,
    window: 16,
    quick: true,
  },
];

/** The echo workload with the same size and shape (the raw node:net reference of a cell). */
export function echoTwinOf(workload: Workload): Workload | undefined {
  return WORKLOADS.find(
    (w) =>
      w.handler === 'echo' &&
      w.bodyBytes === workload.bodyBytes &&
      w.connections === workload.connections &&
      w.window === workload.window,
  );
}
