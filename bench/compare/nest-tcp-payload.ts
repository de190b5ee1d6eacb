/**
 * What travels over Nest's TCP transport in the comparison: JSON, so the bytes go as a base64
 * string (the usual way users send binary over it, 4/3 of the size on the wire).
 */
export interface NestTcpRequest {
  /** The request body, base64. */
  body: string;
  /** Mixed workload: take the slow path. */
  slow?: boolean;
}

/** Message patterns of the Nest TCP bench server, one per handler. */
export const NEST_TCP_PATTERN = {
  echo: 'echo',
  model: 'model',
  stream: 'stream',
  mixed: 'mixed',
} as const;

/** Narrows what Nest's JSON deserializer handed the handler. */
export function asNestTcpRequest(value: unknown): NestTcpRequest {
  if (typeof value === 'object' && value !== null && 'body' in value) {
    const { body, slow } = value as { body: unknown; slow?: unknown };
    if (typeof body === 'string') return { body, slow: slow === true };
  }
  throw new Error('bench request without a base64 body');
}
