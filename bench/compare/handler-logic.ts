/**
 * The handler logic every compared server runs, so the rows compare transports rather than
 * handlers. Each transport only adapts its payload shape (Buffer, base64 string, proto bytes)
 * around these functions.
 */

/** NNRP route ids of the bench handlers (nnrp-echo-server.ts routes on them). */
export const ROUTE = { echo: 0, model: 1, stream: 2, mixed: 3 } as const;

/** Partial results of the streaming handler. */
export const STREAM_PARTIALS = 32;

/** Every n-th request of the mixed workload is slow. */
export const SLOW_EVERY = 10;
/** How long a slow request of the mixed workload takes. */
export const SLOW_DELAY_MS = 50;
/** The deadline the client gives every mixed-workload request (NNRP: latency_budget_ms). */
export const MIXED_TIMEOUT_MS = 20;

const MODEL_KEY = 0x5a;

/**
 * A CPU-light stand-in for a model: reads every input byte and writes every output byte, so
 * transports that hand the handler a copy (or make it decode one) pay for it like real inference.
 */
export function runModel(input: Uint8Array): Buffer {
  const output = Buffer.allocUnsafe(input.length);
  for (let i = 0; i < input.length; i++) output[i] = input[i] ^ MODEL_KEY;
  return output;
}

/**
 * The streaming handler's partial results: the model output cut into {@link STREAM_PARTIALS}
 * slices (views, no copies), like a model that emits its result piece by piece.
 */
export function streamModel(input: Uint8Array): Buffer[] {
  const output = runModel(input);
  const size = Math.ceil(output.length / STREAM_PARTIALS);
  return Array.from({ length: STREAM_PARTIALS }, (_, i) =>
    output.subarray(Math.min(i * size, output.length), Math.min((i + 1) * size, output.length)),
  );
}

/** Whether the `sequence`-th request (1-based) of a connection is a slow one. */
export function isSlowRequest(sequence: number): boolean {
  return sequence % SLOW_EVERY === 0;
}

/** Resolves after the slow path's delay (timers, not CPU: the model is waiting on something). */
export function slowDelay(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SLOW_DELAY_MS));
}
