import {
  requireEnum,
  requireLength,
  requireMask,
  requireRule,
  requireZero,
} from '../../metadata/field-checks';
import {
  BackpressureLevel,
  FLOW_FLAGS_MASK,
  FlowFlag,
  FlowScopeKind,
  FlowUpdateReason,
} from './flow-vocabulary';

/** Fixed metadata length of FLOW_UPDATE (control-plane.md §4.15). */
export const FLOW_UPDATE_METADATA_LEN = 32;

/** Byte offsets of FLOW_UPDATE metadata fields (control-plane.md §4.15). */
export const FlowUpdateOffset = {
  scopeKind: 0,
  updateReason: 1,
  backpressureLevel: 2,
  reserved0: 3,
  connectionCredit: 4,
  sessionCredit: 6,
  operationCredit: 8,
  reserved1: 10,
  /** Unaligned u64. */
  operationId: 12,
  retryAfterMs: 20,
  creditEpoch: 24,
  flowFlags: 28,
} as const;

/** FLOW_UPDATE (0x17) fixed metadata. The body must be empty. */
export interface FlowUpdateMetadata {
  scopeKind: FlowScopeKind;
  updateReason: FlowUpdateReason;
  backpressureLevel: BackpressureLevel;
  connectionCredit: number;
  sessionCredit: number;
  operationCredit: number;
  operationId: bigint;
  /** Non-zero requires {@link FlowFlag.RetryAfterValid}. */
  retryAfterMs: number;
  /** Monotonic per scope (docs; not enforced by the reference). */
  creditEpoch: number;
  /** {@link FlowFlag} bits, mask 0x0F. */
  flowFlags: number;
}

// Shared by decode and encode, in the reference order: flag mask, then the three enums.
function checkFlowUpdate(m: FlowUpdateMetadata): void {
  requireMask(m.flowFlags, FLOW_FLAGS_MASK, 'flow_update.flow_flags');
  requireEnum(m.scopeKind, FlowScopeKind.Connection, FlowScopeKind.Operation, 'scope_kind');
  requireEnum(m.updateReason, FlowUpdateReason.Grant, FlowUpdateReason.Congestion, 'update_reason');
  requireEnum(
    m.backpressureLevel,
    BackpressureLevel.None,
    BackpressureLevel.Hard,
    'backpressure_level',
  );
}

/** Decodes FLOW_UPDATE metadata: length ≥ 32, reserved0, reserved1, flag mask, enums. */
export function decodeFlowUpdate(src: Buffer): FlowUpdateMetadata {
  requireLength(src, FLOW_UPDATE_METADATA_LEN, 'flow_update');
  requireZero(src[FlowUpdateOffset.reserved0], 'flow_update.reserved0');
  requireZero(src.readUInt16LE(FlowUpdateOffset.reserved1), 'flow_update.reserved1');
  const m: FlowUpdateMetadata = {
    scopeKind: src[FlowUpdateOffset.scopeKind],
    updateReason: src[FlowUpdateOffset.updateReason],
    backpressureLevel: src[FlowUpdateOffset.backpressureLevel],
    connectionCredit: src.readUInt16LE(FlowUpdateOffset.connectionCredit),
    sessionCredit: src.readUInt16LE(FlowUpdateOffset.sessionCredit),
    operationCredit: src.readUInt16LE(FlowUpdateOffset.operationCredit),
    operationId: src.readBigUInt64LE(FlowUpdateOffset.operationId),
    retryAfterMs: src.readUInt32LE(FlowUpdateOffset.retryAfterMs),
    creditEpoch: src.readUInt32LE(FlowUpdateOffset.creditEpoch),
    flowFlags: src.readUInt32LE(FlowUpdateOffset.flowFlags),
  };
  checkFlowUpdate(m);
  return m;
}

/** Encodes FLOW_UPDATE metadata (32 bytes, reserved zero), refusing what decode refuses. */
export function encodeFlowUpdate(m: FlowUpdateMetadata): Buffer {
  checkFlowUpdate(m);
  const out = Buffer.alloc(FLOW_UPDATE_METADATA_LEN);
  out[FlowUpdateOffset.scopeKind] = m.scopeKind;
  out[FlowUpdateOffset.updateReason] = m.updateReason;
  out[FlowUpdateOffset.backpressureLevel] = m.backpressureLevel;
  out.writeUInt16LE(m.connectionCredit, FlowUpdateOffset.connectionCredit);
  out.writeUInt16LE(m.sessionCredit, FlowUpdateOffset.sessionCredit);
  out.writeUInt16LE(m.operationCredit, FlowUpdateOffset.operationCredit);
  out.writeBigUInt64LE(m.operationId, FlowUpdateOffset.operationId);
  out.writeUInt32LE(m.retryAfterMs, FlowUpdateOffset.retryAfterMs);
  out.writeUInt32LE(m.creditEpoch, FlowUpdateOffset.creditEpoch);
  out.writeUInt32LE(m.flowFlags, FlowUpdateOffset.flowFlags);
  return out;
}

/**
 * `validate_routing` (§4.15), run by the Rust sender before writing and by the Rust client on
 * receipt: connection scope travels with header sid 0 and only the connection credit; session
 * scope needs a sid and only the session credit; operation scope needs a sid and an operation
 * id; a retry-after needs its flag. `strict` adds the Python sender's rule that an operation-scope
 * update carries no connection or session credit: use it for what we send.
 */
export function validateFlowUpdateRouting(
  headerSessionId: number,
  m: FlowUpdateMetadata,
  strict = false,
): void {
  switch (m.scopeKind) {
    case FlowScopeKind.Connection:
      requireRule(
        headerSessionId === 0 &&
          m.sessionCredit === 0 &&
          m.operationCredit === 0 &&
          m.operationId === 0n,
        'connection-scope FLOW_UPDATE requires header.session_id=0 and non-connection fields cleared',
      );
      break;
    case FlowScopeKind.Session:
      requireRule(
        headerSessionId !== 0 &&
          m.connectionCredit === 0 &&
          m.operationCredit === 0 &&
          m.operationId === 0n,
        'session-scope FLOW_UPDATE requires header.session_id!=0 and non-session fields cleared',
      );
      break;
    case FlowScopeKind.Operation:
      requireRule(
        headerSessionId !== 0 && m.operationId !== 0n,
        'operation-scope FLOW_UPDATE requires header.session_id!=0 and operation_id!=0',
      );
      requireRule(
        !strict || (m.connectionCredit === 0 && m.sessionCredit === 0),
        'operation-scope FLOW_UPDATE must not carry connection_credit or session_credit',
      );
      break;
  }
  requireRule(
    m.retryAfterMs === 0 || (m.flowFlags & FlowFlag.RetryAfterValid) !== 0,
    'FLOW_UPDATE retry_after_ms requires retry_after_valid flag',
  );
}
