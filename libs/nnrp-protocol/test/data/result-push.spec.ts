import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  BudgetPolicy,
  checkResultPushSemantics,
  decodeResultPush,
  EMPTY_RESULT_PUSH,
  encodeResultPush,
  PayloadKind,
  RESULT_PUSH_METADATA_LEN,
  ResultClass,
  ResultFlag,
  ResultPushMetadata,
  ResultPushOffset,
  ResultPushRule,
} from '../../src/messages/data';
import {
  expectProtocolError,
  hex,
  itChecksRulesInOrder,
  ParseRule,
  zeroBlock,
} from './protocol-test-helpers';

const ZERO: ResultPushMetadata = { ...EMPTY_RESULT_PUSH };

// data-plane.md §15: token RESULT_PUSH, status 200, profile 2, timings 3/1/4 ms, one frame.
const WORKED_META = `c800 0000 0000 0000 0200 0000 0300 0100 0400 0000 00000000 00000000
  0000000000000000 0000000000000000 00 00 0000 00000000 0000 0000 02000000 0100 0000`;
const WORKED_FIELDS: ResultPushMetadata = {
  ...ZERO,
  statusCode: 200,
  activeProfileId: 2,
  inferenceMs: 3,
  queueMs: 1,
  serverTotalMs: 4,
  payloadKindBitmap: PayloadKind.TokenChunk,
  payloadFrameCount: 1,
};

/** A clean partial tensor result that reused nothing. */
const TENSOR_RESULT: ResultPushMetadata = {
  ...ZERO,
  statusCode: 0,
  resultFlags: ResultFlag.Partial,
  sectionCount: 1,
  tileCount: 4,
  activeProfileId: 1,
  inferenceMs: 65535,
  tileBaseId: 10,
  tileIndexBytes: 8,
  resultClass: ResultClass.Partial,
  appliedBudgetPolicy: BudgetPolicy.AllowPartial,
  coveredTileCount: 3,
  droppedTileCount: 1,
  payloadKindBitmap: PayloadKind.Tensor,
};

const O = ResultPushOffset;
const NON_TENSOR_RULE = 'non-tensor RESULT_PUSH must clear tensor coverage fields';
const reserved = (field: string, edit: (b: Buffer) => void): ParseRule => ({
  name: field,
  kind: NnrpErrorKind.NonZeroReservedField,
  field: `result_push.${field}`,
  edit,
});
const mask = (field: string, edit: (b: Buffer) => void): ParseRule => ({
  name: `${field} mask`,
  kind: NnrpErrorKind.ReservedBitsSet,
  field: `result_push.${field}`,
  edit,
});

/** The rules of data-plane.md §3.2 in the reference's order. */
const RULES: ParseRule[] = [
  reserved('reserved0', (b) => (b[O.reserved0] = 1)),
  reserved('reserved1', (b) => (b[O.reserved1 + 1] = 1)),
  reserved('reserved2', (b) => (b[O.reserved2 + 7] = 1)),
  reserved('reserved3', (b) => (b[O.reserved3] = 1)),
  reserved('reserved4', (b) => (b[O.reserved4] = 1)),
  reserved('reserved5', (b) => (b[O.reserved5] = 1)),
  mask('result_flags', (b) => b.writeUInt16LE(0x0008, O.resultFlags)),
  mask('applied_budget_policy', (b) => (b[O.appliedBudgetPolicy] = 0x80)),
  mask('payload_kind_bitmap', (b) => b.writeUInt32LE(0x100, O.payloadKindBitmap)),
  {
    name: 'result_class enum',
    kind: NnrpErrorKind.UnknownEnumValue,
    field: 'result_class',
    edit: (b) => (b[O.resultClass] = 4),
  },
  {
    name: 'non-tensor shape',
    kind: NnrpErrorKind.InvalidProtocolCombination,
    field: NON_TENSOR_RULE,
    edit: (b) => b.writeUInt16LE(1, O.droppedTileCount),
  },
];

const TENSOR_FIELDS: [keyof ResultPushMetadata, 2 | 4][] = [
  ['sectionCount', 2],
  ['tileCount', 2],
  ['tileBaseId', 4],
  ['tileIndexBytes', 4],
  ['coveredTileCount', 2],
  ['droppedTileCount', 2],
];

describe('RESULT_PUSH metadata', () => {
  it('decodes and re-encodes the §15 worked example byte for byte', () => {
    const meta = hex(WORKED_META);
    expect(meta).toHaveLength(RESULT_PUSH_METADATA_LEN);
    expect(decodeResultPush(meta)).toEqual(WORKED_FIELDS);
    expect(encodeResultPush(WORKED_FIELDS).equals(meta)).toBe(true);
  });

  it('accepts an all-zero block and round-trips a tensor result into 64 new bytes', () => {
    expect(decodeResultPush(Buffer.alloc(RESULT_PUSH_METADATA_LEN))).toEqual(ZERO);
    const bytes = encodeResultPush(TENSOR_RESULT);
    expect(bytes).toHaveLength(RESULT_PUSH_METADATA_LEN);
    expect(decodeResultPush(bytes)).toEqual(TENSOR_RESULT);
    expect(decodeResultPush(Buffer.concat([bytes, Buffer.alloc(3, 0xff)]))).toEqual(TENSOR_RESULT);
  });

  it('rejects a source shorter than 64 bytes', () => {
    expectProtocolError(
      () => decodeResultPush(Buffer.alloc(RESULT_PUSH_METADATA_LEN - 1)),
      NnrpErrorKind.TooShort,
      'result_push',
    );
  });

  describe('parse rules (data-plane.md §3.2)', () => {
    itChecksRulesInOrder(decodeResultPush, RESULT_PUSH_METADATA_LEN, RULES);
  });

  it.each(TENSOR_FIELDS)('%s must be 0 without the tensor bit', (field, width) => {
    const write = (b: Buffer) => b.writeUIntLE(1, O[field as keyof typeof O], width);
    const token = (b: Buffer) => b.writeUInt32LE(PayloadKind.TokenChunk, O.payloadKindBitmap);
    const tensor = (b: Buffer) => b.writeUInt32LE(PayloadKind.Tensor, O.payloadKindBitmap);
    const length = RESULT_PUSH_METADATA_LEN;
    expectProtocolError(
      () => decodeResultPush(zeroBlock(length, write, token)),
      NnrpErrorKind.InvalidProtocolCombination,
      NON_TENSOR_RULE,
    );
    expectProtocolError(
      () => encodeResultPush({ ...WORKED_FIELDS, [field]: 1 }),
      NnrpErrorKind.InvalidProtocolCombination,
      NON_TENSOR_RULE,
    );
    expect(decodeResultPush(zeroBlock(length, write, tensor))[field]).toBe(1);
  });

  it.each<[string, Partial<ResultPushMetadata>, NnrpErrorKind, string]>([
    ['flags', { resultFlags: 0x8 }, NnrpErrorKind.ReservedBitsSet, 'result_push.result_flags'],
    [
      'budget',
      { appliedBudgetPolicy: 0x10 },
      NnrpErrorKind.ReservedBitsSet,
      'result_push.applied_budget_policy',
    ],
    [
      'payload kind',
      { payloadKindBitmap: 0x80 },
      NnrpErrorKind.ReservedBitsSet,
      'result_push.payload_kind_bitmap',
    ],
    [
      'result_class',
      { resultClass: 4 as ResultClass },
      NnrpErrorKind.UnknownEnumValue,
      'result_class',
    ],
  ])('the encoder refuses a bad %s', (_name, change, kind, field) => {
    expectProtocolError(() => encodeResultPush({ ...TENSOR_RESULT, ...change }), kind, field);
  });
});

describe('checkResultPushSemantics (data-plane.md §3.3)', () => {
  const rules = (result: ResultPushMetadata, budgetPolicy?: number): ResultPushRule[] =>
    checkResultPushSemantics(result, budgetPolicy === undefined ? undefined : { budgetPolicy }).map(
      (warning) => warning.rule,
    );

  it('finds nothing wrong in clean results', () => {
    expect(rules(WORKED_FIELDS)).toEqual([]);
    expect(rules(TENSOR_RESULT, BudgetPolicy.AllowPartial | BudgetPolicy.AllowDrop)).toEqual([]);
    const stale = {
      ...WORKED_FIELDS,
      resultClass: ResultClass.StaleReuse,
      resultFlags: ResultFlag.Stale,
      reusedFrameId: 3,
    };
    expect(rules(stale)).toEqual([]);
  });

  it('warns when covered + dropped differs from tile_count', () => {
    expect(rules({ ...TENSOR_RESULT, coveredTileCount: 4 })).toEqual([ResultPushRule.TileCoverage]);
  });

  it('warns about a partial tensor result that drops nothing (class or flag)', () => {
    const full = { ...TENSOR_RESULT, coveredTileCount: 4, droppedTileCount: 0 };
    expect(rules(full)).toEqual([ResultPushRule.PartialWithoutDroppedTiles]);
    expect(rules({ ...full, resultClass: ResultClass.Complete })).toEqual([
      ResultPushRule.PartialWithoutDroppedTiles,
    ]);
    expect(rules({ ...full, resultFlags: 0, resultClass: ResultClass.Complete })).toEqual([]);
  });

  it('does not apply tile rules to a partial token result', () => {
    const partialToken = {
      ...WORKED_FIELDS,
      resultClass: ResultClass.Partial,
      resultFlags: ResultFlag.Partial,
    };
    expect(rules(partialToken)).toEqual([]);
  });

  it('pairs stale results with reused_frame_id both ways', () => {
    expect(rules({ ...WORKED_FIELDS, resultFlags: ResultFlag.Stale })).toEqual([
      ResultPushRule.StaleWithoutReusedFrame,
    ]);
    expect(rules({ ...WORKED_FIELDS, resultClass: ResultClass.StaleReuse })).toEqual([
      ResultPushRule.StaleWithoutReusedFrame,
    ]);
    expect(rules({ ...WORKED_FIELDS, reusedFrameId: 9 })).toEqual([
      ResultPushRule.ReusedFrameWithoutStale,
    ]);
  });

  it('warns when the applied budget was not allowed by the submit', () => {
    expect(rules(TENSOR_RESULT, BudgetPolicy.AllowDrop)).toEqual([ResultPushRule.BudgetNotGranted]);
    expect(rules(TENSOR_RESULT)).toEqual([]);
    const [warning] = checkResultPushSemantics(TENSOR_RESULT, { budgetPolicy: 0 });
    expect(warning.message).toContain('0x1');
  });
});
