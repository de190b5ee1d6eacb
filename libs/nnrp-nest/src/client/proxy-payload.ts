import type { SubmitOptions } from './client-options';

/**
 * Header fields a `ClientNnrp` pattern may carry (the same names as the server's submit
 * pattern). Any other pattern (a string, other fields) leaves the header at its defaults.
 */
export interface NnrpProxyPattern {
  routeId?: number;
  viewId?: number;
  traceId?: bigint;
}

/** The submit body of a `send` / `emit` payload: Buffer as is, string as UTF-8, else JSON. */
export function encodeProxyPayload(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // JSON.stringify returns undefined for functions and symbols; send JSON null then.
  return Buffer.from(JSON.stringify(data) ?? 'null', 'utf8');
}

/** The header fields named by a pattern. */
export function headerFieldsOf(
  pattern: unknown,
): Pick<SubmitOptions, 'routeId' | 'viewId' | 'traceId'> {
  if (typeof pattern !== 'object' || pattern === null) return {};
  const { routeId, viewId, traceId } = pattern as Record<keyof NnrpProxyPattern, unknown>;
  return {
    ...(typeof routeId === 'number' ? { routeId } : {}),
    ...(typeof viewId === 'number' ? { viewId } : {}),
    ...(typeof traceId === 'bigint' ? { traceId } : {}),
  };
}
