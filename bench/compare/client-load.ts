import type { Workload } from './workloads';

/** What a comparison client is told to do. */
export interface ClientLoad {
  port: number;
  workload: Workload;
  durationMs: number;
}

/** The request body every client sends (the NNRP load client's body too). */
export function requestBody(workload: Workload): Buffer {
  return Buffer.alloc(workload.bodyBytes, 0x61);
}
