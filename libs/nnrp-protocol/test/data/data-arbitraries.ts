import fc from 'fast-check';
import {
  BUDGET_POLICY_MASK,
  FrameSubmitMetadata,
  InputProfile,
  PAYLOAD_KIND_MASK,
  PayloadKind,
  RESULT_FLAGS_MASK,
  ResultClass,
  ResultPushMetadata,
  SubmitMode,
  TileIndexMode,
} from '../../src/messages/data';
import { uint } from './protocol-test-helpers';

// Arbitrary valid FRAME_SUBMIT / RESULT_PUSH metadata: tensor ones with every field random,
// non-tensor ones with the tensor-only fields zero (the shape rule of §2.2 / §3.2).

const tensorBitmap = fc
  .integer({ min: 0, max: PAYLOAD_KIND_MASK })
  .map((b) => b | PayloadKind.Tensor);
const nonTensorBitmap = fc
  .integer({ min: 0, max: PAYLOAD_KIND_MASK })
  .map((b) => b & ~PayloadKind.Tensor);

const submitCommon = {
  frameClass: uint(8),
  tileIndexMode: fc.constantFrom(...([0, 1, 2, 3] as TileIndexMode[])),
  latencyBudgetMs: uint(16),
  targetFpsX100: uint(16),
  retryOfFrame: uint(32),
  submitMode: fc.constantFrom(SubmitMode.Inline, SubmitMode.Reference, SubmitMode.Mixed),
  budgetPolicy: fc.integer({ min: 0, max: BUDGET_POLICY_MASK }),
  lossTolerancePolicy: uint(8),
  objectRefMask: uint(32),
  dependencyFrameId: uint(32),
  payloadFrameCount: uint(16),
};
const submitTensor = {
  srcWidth: uint(16),
  srcHeight: uint(16),
  tileWidth: uint(16),
  tileHeight: uint(16),
  tileCount: uint(16),
  sectionCount: uint(16),
  inputProfile: fc.constantFrom(
    InputProfile.Unspecified,
    InputProfile.ChangedTilesLuma,
    InputProfile.DenseLumaFrame,
  ),
  tileBaseId: uint(32),
  cameraBytes: uint(32),
  tileIndexBytes: uint(32),
};

/** Any FRAME_SUBMIT metadata the decoder accepts (lenient mode). */
export const frameSubmitArb: fc.Arbitrary<FrameSubmitMetadata> = fc.oneof(
  fc.record({ ...submitCommon, ...submitTensor, payloadKindBitmap: tensorBitmap }),
  fc.record({ ...submitCommon, payloadKindBitmap: nonTensorBitmap }).map((m) => ({
    ...m,
    srcWidth: 0,
    srcHeight: 0,
    tileWidth: 0,
    tileHeight: 0,
    tileCount: 0,
    sectionCount: 0,
    inputProfile: InputProfile.Unspecified,
    tileBaseId: 0,
    cameraBytes: 0,
    tileIndexBytes: 0,
  })),
);

const resultCommon = {
  statusCode: uint(16),
  resultFlags: fc.integer({ min: 0, max: RESULT_FLAGS_MASK }),
  activeProfileId: uint(16),
  inferenceMs: uint(16),
  queueMs: uint(16),
  serverTotalMs: uint(16),
  resultClass: fc.constantFrom(
    ResultClass.Complete,
    ResultClass.Partial,
    ResultClass.StaleReuse,
    ResultClass.Degraded,
  ),
  appliedBudgetPolicy: fc.integer({ min: 0, max: BUDGET_POLICY_MASK }),
  reusedFrameId: uint(32),
  payloadFrameCount: uint(16),
};
const resultTensor = {
  sectionCount: uint(16),
  tileCount: uint(16),
  tileBaseId: uint(32),
  tileIndexBytes: uint(32),
  coveredTileCount: uint(16),
  droppedTileCount: uint(16),
};

/** Any RESULT_PUSH metadata the decoder accepts. */
export const resultPushArb: fc.Arbitrary<ResultPushMetadata> = fc.oneof(
  fc.record({ ...resultCommon, ...resultTensor, payloadKindBitmap: tensorBitmap }),
  fc.record({ ...resultCommon, payloadKindBitmap: nonTensorBitmap }).map((m) => ({
    ...m,
    sectionCount: 0,
    tileCount: 0,
    tileBaseId: 0,
    tileIndexBytes: 0,
    coveredTileCount: 0,
    droppedTileCount: 0,
  })),
);
