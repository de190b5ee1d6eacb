import { PayloadKind } from './payload-kind';
import type { FrameSubmitMetadata } from './frame-submit';
import type { ResultPushMetadata } from './result-push';
import { ResultClass, ResultFlag } from './result-vocabulary';

/** The RESULT_PUSH conventions of data-plane.md §3.3 that a result can break. */
export enum ResultPushRule {
  /** Tensor: `covered_tile_count + dropped_tile_count == tile_count`. */
  TileCoverage = 'tile_coverage',
  /** Tensor: `result_class` partial or flag partial needs `dropped_tile_count > 0`. */
  PartialWithoutDroppedTiles = 'partial_without_dropped_tiles',
  /** `result_class` stale_reuse or flag stale needs `reused_frame_id ≠ 0`. */
  StaleWithoutReusedFrame = 'stale_without_reused_frame',
  /** A `reused_frame_id` without stale_reuse / stale (Rust accepts it; the docs do not). */
  ReusedFrameWithoutStale = 'reused_frame_without_stale',
  /** `applied_budget_policy` must be a subset of the submit's `budget_policy`. */
  BudgetNotGranted = 'budget_not_granted',
}

/** One broken §3.3 convention. */
export interface ResultPushWarning {
  readonly rule: ResultPushRule;
  readonly message: string;
}

/**
 * Checks the semantic conventions of data-plane.md §3.3, which the Rust 3.8 reference does not
 * enforce: a receiver should only warn about them (never reject), a sender should emit none.
 * Pass the frame's submit to also check the budget subset rule. The typed-payload family rule
 * needs the body and belongs to the body views.
 *
 * @returns the broken conventions, empty when the result is clean.
 */
export function checkResultPushSemantics(
  result: ResultPushMetadata,
  submit?: Pick<FrameSubmitMetadata, 'budgetPolicy'>,
): ResultPushWarning[] {
  const warnings: ResultPushWarning[] = [];
  const warn = (rule: ResultPushRule, message: string): void => {
    warnings.push({ rule, message });
  };
  const isTensor = (result.payloadKindBitmap & PayloadKind.Tensor) !== 0;
  const isPartial =
    result.resultClass === ResultClass.Partial || (result.resultFlags & ResultFlag.Partial) !== 0;
  const isStale =
    result.resultClass === ResultClass.StaleReuse || (result.resultFlags & ResultFlag.Stale) !== 0;

  if (isTensor && result.coveredTileCount + result.droppedTileCount !== result.tileCount) {
    warn(
      ResultPushRule.TileCoverage,
      `covered (${result.coveredTileCount}) + dropped (${result.droppedTileCount}) tiles != tile_count (${result.tileCount})`,
    );
  }
  if (isTensor && isPartial && result.droppedTileCount === 0) {
    warn(ResultPushRule.PartialWithoutDroppedTiles, 'a partial tensor result drops no tile');
  }
  if (isStale && result.reusedFrameId === 0) {
    warn(ResultPushRule.StaleWithoutReusedFrame, 'a stale result names no reused_frame_id');
  }
  if (!isStale && result.reusedFrameId !== 0) {
    warn(ResultPushRule.ReusedFrameWithoutStale, 'reused_frame_id is set on a non-stale result');
  }
  if (submit !== undefined && (result.appliedBudgetPolicy & ~submit.budgetPolicy) !== 0) {
    warn(
      ResultPushRule.BudgetNotGranted,
      `applied_budget_policy 0x${result.appliedBudgetPolicy.toString(16)} is not within the submit's 0x${submit.budgetPolicy.toString(16)}`,
    );
  }
  return warnings;
}
