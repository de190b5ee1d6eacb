import type { CellMeasurement } from './driver-protocol';

/** One run of a cell: a measurement, or why there is none. */
export type CellOutcome =
  { ok: true; measurement: CellMeasurement } | { ok: false; reason: string; stalled: boolean };
