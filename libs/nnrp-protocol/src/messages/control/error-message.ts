import { requireEnum, requireLength, requireRule } from '../../metadata/field-checks';
import { ErrorScope } from './error-vocabulary';

/** Fixed metadata length of ERROR (control-plane.md §4.13). */
export const ERROR_METADATA_LEN = 32;

/** Byte offsets of ERROR metadata fields (control-plane.md §4.13). */
export const ErrorOffset = {
  errorCode: 0,
  errorScope: 4,
  isFatal: 8,
  retryAfterMs: 12,
  relatedSessionId: 16,
  relatedFrameId: 20,
  relatedViewId: 24,
  diagnosticBytes: 28,
} as const;

/** `is_fatal` is a u32 on the wire that may only hold 0 or 1. */
const FATAL = 1;
const NOT_FATAL = 0;

/** ERROR (0x06) fixed metadata. The body is `diagnostic_bytes` of debug-only text. */
export interface ErrorMetadata {
  /** An {@link ErrorCode}, or a session/cache/schema family code: any u32 decodes. */
  errorCode: number;
  errorScope: ErrorScope;
  /** `is_fatal` (u32 0/1 on the wire, like the reference's `bool`). */
  isFatal: boolean;
  /** 0 = no advice. */
  retryAfterMs: number;
  relatedSessionId: number;
  relatedFrameId: number;
  /** u32 here although the header's `view_id` is u16. */
  relatedViewId: number;
  diagnosticBytes: number;
}

function checkErrorScope(scope: number): void {
  requireEnum(scope, ErrorScope.Connection, ErrorScope.Frame, 'error_scope');
}

/** Decodes ERROR metadata: length ≥ 32, `is_fatal` ∈ {0, 1}, then the scope enum. */
export function decodeError(src: Buffer): ErrorMetadata {
  requireLength(src, ERROR_METADATA_LEN, 'error');
  const fatal = src.readUInt32LE(ErrorOffset.isFatal);
  requireRule(fatal === NOT_FATAL || fatal === FATAL, 'ERROR is_fatal must be 0 or 1');
  const errorScope = src.readUInt32LE(ErrorOffset.errorScope);
  checkErrorScope(errorScope);
  return {
    errorCode: src.readUInt32LE(ErrorOffset.errorCode),
    errorScope,
    isFatal: fatal === FATAL,
    retryAfterMs: src.readUInt32LE(ErrorOffset.retryAfterMs),
    relatedSessionId: src.readUInt32LE(ErrorOffset.relatedSessionId),
    relatedFrameId: src.readUInt32LE(ErrorOffset.relatedFrameId),
    relatedViewId: src.readUInt32LE(ErrorOffset.relatedViewId),
    diagnosticBytes: src.readUInt32LE(ErrorOffset.diagnosticBytes),
  };
}

/** Encodes ERROR metadata (32 bytes), refusing an unknown scope. */
export function encodeError(m: ErrorMetadata): Buffer {
  checkErrorScope(m.errorScope);
  const out = Buffer.alloc(ERROR_METADATA_LEN);
  out.writeUInt32LE(m.errorCode, ErrorOffset.errorCode);
  out.writeUInt32LE(m.errorScope, ErrorOffset.errorScope);
  out.writeUInt32LE(m.isFatal ? FATAL : NOT_FATAL, ErrorOffset.isFatal);
  out.writeUInt32LE(m.retryAfterMs, ErrorOffset.retryAfterMs);
  out.writeUInt32LE(m.relatedSessionId, ErrorOffset.relatedSessionId);
  out.writeUInt32LE(m.relatedFrameId, ErrorOffset.relatedFrameId);
  out.writeUInt32LE(m.relatedViewId, ErrorOffset.relatedViewId);
  out.writeUInt32LE(m.diagnosticBytes, ErrorOffset.diagnosticBytes);
  return out;
}
