import type { ResultPushMetadata } from '@nest-nnrp/protocol';

/**
 * A handler's result: a body plus the RESULT_PUSH fields of the seed's `send_result`
 * (data-plane.md §3.1, §11). Every field is optional: timings are measured when not given,
 * `status_code` defaults to 0 (decisions.md §5), the payload kinds and profile default to the
 * submit's and the session's.
 */
export interface NnrpResult extends Partial<Omit<ResultPushMetadata, 'payloadFrameCount'>> {
  /** Result body (a tensor or token body from the builders, or opaque bytes). */
  body?: Buffer;
  /** Number of typed payload descriptors in the body. */
  payloadFrameCount?: number;
  /** Header flags of the RESULT_PUSH packet. */
  flags?: number;
  viewId?: number;
  routeId?: number;
  traceId?: bigint;
}

/** What a handler may return or emit: a body, a result, or a string (UTF-8 body). */
export type NnrpResultLike = NnrpResult | Buffer | Uint8Array | string;

/** True when `value` is already an {@link NnrpResult} rather than a bare body. */
export function isNnrpResult(value: unknown): value is NnrpResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Buffer.isBuffer(value) &&
    !(value instanceof Uint8Array)
  );
}

/** Normalises whatever a handler produced to an {@link NnrpResult}. */
export function toNnrpResult(value: NnrpResultLike | null | undefined): NnrpResult {
  if (value === null || value === undefined) return {};
  if (typeof value === 'string') return { body: Buffer.from(value, 'utf8') };
  if (Buffer.isBuffer(value)) return { body: value };
  if (value instanceof Uint8Array)
    return { body: Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
  return value;
}
