import { PayloadKind, ResultClass, ResultFlag, ResultPushMetadata } from '@nest-nnrp/protocol';
import { NnrpResult } from '../engine/nnrp-result';
import type { FrameOperation } from './frame-operation';

/** RESULT_PUSH timing fields are u16 milliseconds: saturate, never wrap (data-plane.md §12.24). */
const MAX_U16 = 0xffff;

function millis(ms: number): number {
  return Math.min(MAX_U16, Math.max(0, Math.round(ms)));
}

/**
 * RESULT_PUSH metadata for a handler's result, with the defaults of decisions.md §5 and §12:
 * status 0, timings measured, payload kinds of the submit, profile of the session, and a
 * partial result marked by class `partial` and flag 0x4.
 */
export function resultMetadataFor(
  frame: FrameOperation,
  result: NnrpResult,
  partial: boolean,
  sessionProfileId: number,
): ResultPushMetadata {
  const now = performance.now();
  const startedAt = frame.startedAt ?? now;
  const payloadKindBitmap = result.payloadKindBitmap ?? frame.metadata.payloadKindBitmap;
  const tensor = (payloadKindBitmap & PayloadKind.Tensor) !== 0;
  const tileCount = tensor ? (result.tileCount ?? 0) : 0;
  return {
    statusCode: result.statusCode ?? 0,
    resultFlags: (result.resultFlags ?? 0) | (partial ? ResultFlag.Partial : 0),
    sectionCount: tensor ? (result.sectionCount ?? 0) : 0,
    tileCount,
    activeProfileId: result.activeProfileId ?? sessionProfileId,
    inferenceMs: result.inferenceMs ?? millis(now - startedAt),
    queueMs: result.queueMs ?? millis(startedAt - frame.acceptedAt),
    serverTotalMs: result.serverTotalMs ?? millis(now - frame.acceptedAt),
    tileBaseId: tensor ? (result.tileBaseId ?? 0) : 0,
    tileIndexBytes: tensor ? (result.tileIndexBytes ?? 0) : 0,
    resultClass: result.resultClass ?? (partial ? ResultClass.Partial : ResultClass.Complete),
    appliedBudgetPolicy: result.appliedBudgetPolicy ?? 0,
    reusedFrameId: result.reusedFrameId ?? 0,
    coveredTileCount: tensor ? (result.coveredTileCount ?? tileCount) : 0,
    droppedTileCount: tensor ? (result.droppedTileCount ?? 0) : 0,
    payloadKindBitmap,
    payloadFrameCount: result.payloadFrameCount ?? 0,
  };
}
