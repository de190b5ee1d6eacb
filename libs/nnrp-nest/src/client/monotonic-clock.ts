const NANOS_PER_MICRO = 1000n;

/** Microseconds from a monotonic clock, for the protocol's `*_ts_us` fields (§4.16). */
export function monotonicMicros(): bigint {
  return process.hrtime.bigint() / NANOS_PER_MICRO;
}

/** Milliseconds from a monotonic clock, for round-trip times. */
export function monotonicMillis(): number {
  return performance.now();
}
