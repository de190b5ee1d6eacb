import { requireEnum, requireLength } from '../../metadata/field-checks';
import {
  ResultHintBudgetPolicy,
  ResultHintCongestionState,
  ResultHintReason,
} from './result-hint-vocabulary';

/** Fixed metadata length of RESULT_HINT (control-plane.md §4.17). */
export const RESULT_HINT_METADATA_LEN = 16;

/** Byte offsets of RESULT_HINT metadata fields (control-plane.md §4.17). */
export const ResultHintOffset = {
  appliedBudgetPolicy: 0,
  congestionState: 4,
  reason: 8,
  retryAfterMs: 12,
} as const;

/**
 * RESULT_HINT (0x18) fixed metadata; body empty, header fid may name the related frame.
 * Send only to CLIENT_HELLO-flow clients (the Rust client aborts on it).
 */
export interface ResultHintMetadata {
  appliedBudgetPolicy: ResultHintBudgetPolicy;
  congestionState: ResultHintCongestionState;
  reason: ResultHintReason;
  retryAfterMs: number;
}

function checkResultHint(m: ResultHintMetadata): void {
  requireEnum(
    m.appliedBudgetPolicy,
    ResultHintBudgetPolicy.None,
    ResultHintBudgetPolicy.Drop,
    'result_hint_budget_policy',
  );
  requireEnum(
    m.congestionState,
    ResultHintCongestionState.None,
    ResultHintCongestionState.Saturated,
    'result_hint_congestion_state',
  );
  requireEnum(m.reason, ResultHintReason.None, ResultHintReason.Superseded, 'result_hint_reason');
}

/** Decodes RESULT_HINT metadata: length ≥ 16, then the three u32 enums in field order. */
export function decodeResultHint(src: Buffer): ResultHintMetadata {
  requireLength(src, RESULT_HINT_METADATA_LEN, 'result_hint');
  const m: ResultHintMetadata = {
    appliedBudgetPolicy: src.readUInt32LE(ResultHintOffset.appliedBudgetPolicy),
    congestionState: src.readUInt32LE(ResultHintOffset.congestionState),
    reason: src.readUInt32LE(ResultHintOffset.reason),
    retryAfterMs: src.readUInt32LE(ResultHintOffset.retryAfterMs),
  };
  checkResultHint(m);
  return m;
}

/** Encodes RESULT_HINT metadata (16 bytes), refusing unknown enum values. */
export function encodeResultHint(m: ResultHintMetadata): Buffer {
  checkResultHint(m);
  const out = Buffer.alloc(RESULT_HINT_METADATA_LEN);
  out.writeUInt32LE(m.appliedBudgetPolicy, ResultHintOffset.appliedBudgetPolicy);
  out.writeUInt32LE(m.congestionState, ResultHintOffset.congestionState);
  out.writeUInt32LE(m.reason, ResultHintOffset.reason);
  out.writeUInt32LE(m.retryAfterMs, ResultHintOffset.retryAfterMs);
  return out;
}
