/**
 * Messages between the orchestrator (compare.bench.ts) and the cell driver process, which starts
 * each server and runs the client against it. IPC hands over plain JSON, narrowed here.
 */
import type { LoadResult } from '../support/bench-client';
import type { TransportId } from './transports';

/** One measurement to take: a transport, a workload, for how long. */
export interface CellSpec {
  transport: TransportId;
  workloadId: string;
  durationMs: number;
  /** When set, the server is CPU-profiled and writes its `.cpuprofile` here. */
  profileDir?: string;
}

/** What one run of a cell measured. */
export interface CellMeasurement {
  load: LoadResult;
  serverCpuSeconds: number;
  serverPeakRssMiB: number;
  /** CPU the client (driver) process used during the load. */
  clientCpuSeconds: number;
  /** CPU every other process of the machine used during the load (cores × seconds). */
  foreignCpuSeconds: number;
  /** 1-minute load average when the load started. */
  loadAverage: number;
  /** CLOCK_MONOTONIC window of the load in µs (matches V8 CPU profile timestamps). */
  loadWindowUs: [number, number];
}

export type OrchestratorMessage = { type: 'cell'; cell: CellSpec } | { type: 'exit' };

export type DriverMessage =
  | { type: 'ready' }
  /**
   * A number that grows while the cell makes progress (the watchdog's input), and the requests
   * answered so far when the client counts them.
   */
  | { type: 'progress'; value: number; answered?: number }
  | { type: 'result'; measurement: CellMeasurement }
  | { type: 'error'; message: string };

function hasType(value: unknown): value is { type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}

export function asOrchestratorMessage(value: unknown): OrchestratorMessage | undefined {
  if (!hasType(value)) return undefined;
  if (value.type === 'exit') return { type: 'exit' };
  if (value.type === 'cell' && 'cell' in value && typeof value.cell === 'object')
    return value as OrchestratorMessage;
  return undefined;
}

export function asDriverMessage(value: unknown): DriverMessage | undefined {
  if (!hasType(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'progress':
      return 'value' in value && typeof value.value === 'number'
        ? {
            type: 'progress',
            value: value.value,
            answered:
              'answered' in value && typeof value.answered === 'number'
                ? value.answered
                : undefined,
          }
        : undefined;
    case 'result':
      return 'measurement' in value && typeof value.measurement === 'object'
        ? (value as DriverMessage)
        : undefined;
    case 'error':
      return 'message' in value && typeof value.message === 'string'
        ? { type: 'error', message: value.message }
        : undefined;
    default:
      return undefined;
  }
}
