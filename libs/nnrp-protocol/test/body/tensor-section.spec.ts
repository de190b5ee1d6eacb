import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  decodeTensorSectionDesc,
  parseTensorSectionTable,
  planTensorSectionTable,
  TENSOR_SECTION_DESC_LEN,
  TensorDtype,
  TensorLayout,
  TensorScalePolicy,
  type TensorSectionDesc,
  TensorSectionFlag,
  type TensorSectionInput,
  writeTensorSectionDesc,
  writeTensorSectionTable,
} from '../../src/body';
import { expectProtocolError, isViewInto } from './body-test-helpers';

const DESC: TensorSectionDesc = {
  roleId: 0x0102,
  codecId: 3,
  dtypeId: TensorDtype.Fp16,
  layoutId: TensorLayout.Nchw,
  scalePolicy: TensorScalePolicy.ZeroPoint,
  flags: TensorSectionFlag.MixedCodec | TensorSectionFlag.FixedStride,
  elementCountPerTile: 64,
  codecTableBytes: 2,
  lengthTableBytes: 8,
  payloadBytes: 16,
  payloadStrideBytes: 8,
};

function section(
  roleId: number,
  payloads: string[],
  extra: Partial<TensorSectionInput> = {},
): TensorSectionInput {
  return {
    roleId,
    codecId: 0,
    dtypeId: TensorDtype.Uint8,
    layoutId: TensorLayout.Nhwc,
    scalePolicy: TensorScalePolicy.None,
    elementCountPerTile: 4,
    tilePayloads: payloads.map((p) => Buffer.from(p)),
    ...extra,
  };
}

function table(sections: TensorSectionInput[], tileCount: number): Buffer {
  const plan = planTensorSectionTable(sections, tileCount);
  const out = Buffer.alloc(plan.byteLength, 0xee);
  writeTensorSectionTable(plan, out, 0);
  return out;
}

describe('TensorSectionDesc (§2.10)', () => {
  it('writes all 32 bytes at the spec offsets and decodes them back', () => {
    const out = Buffer.alloc(TENSOR_SECTION_DESC_LEN, 0xff);
    writeTensorSectionDesc(DESC, out, 0);
    expect(out.toString('hex')).toBe(
      '0201' +
        '03' +
        '00' +
        '01' +
        '02' +
        '0300' +
        '40000000' +
        '02000000' +
        '08000000' +
        '10000000' +
        '08000000' +
        '00000000',
    );
    expect(decodeTensorSectionDesc(out)).toEqual(DESC);
  });

  it('refuses reserved, unknown flags and unknown dtype/layout/scale', () => {
    const base = Buffer.alloc(TENSOR_SECTION_DESC_LEN);
    writeTensorSectionDesc(DESC, base, 0);
    const cases: Array<[number, number, NnrpErrorKind, string]> = [
      [28, 1, NnrpErrorKind.NonZeroReservedField, 'tensor_section.reserved'],
      [6, 4, NnrpErrorKind.ReservedBitsSet, 'tensor_section.flags'],
      [3, 8, NnrpErrorKind.UnknownEnumValue, 'tensor_dtype'],
      [4, 2, NnrpErrorKind.UnknownEnumValue, 'tensor_layout'],
      [5, 3, NnrpErrorKind.UnknownEnumValue, 'tensor_scale_policy'],
    ];
    for (const [offset, value, kind, field] of cases) {
      const bytes = Buffer.from(base);
      bytes[offset] = value;
      expectProtocolError(() => decodeTensorSectionDesc(bytes), kind, field);
    }
    expectProtocolError(
      () => decodeTensorSectionDesc(base.subarray(0, 31)),
      NnrpErrorKind.TooShort,
    );
  });
});

describe('tensor section table', () => {
  it('round-trips variable and fixed-stride sections with 8-aligned starts and zero-copy tiles', () => {
    const bytes = table(
      [
        section(1, ['abc', '', 'defgh']),
        section(4, ['x', 'yz', 'w'], { payloadStrideBytes: 4, codecIds: [0, 7, 0], codecId: 0 }),
      ],
      3,
    );
    const [a, b] = parseTensorSectionTable(bytes, 2, 3);
    expect(a.desc.flags).toBe(0);
    expect(a.tilePayloads().map(String)).toEqual(['abc', '', 'defgh']);
    expect(a.codecTable.length).toBe(0);
    expect(b.desc.flags).toBe(TensorSectionFlag.MixedCodec | TensorSectionFlag.FixedStride);
    expect(b.tilePayloads().map(String)).toEqual(['x', 'yz', 'w']);
    expect([0, 1, 2].map((i) => b.tileCodec(i))).toEqual([0, 7, 0]);
    expect([0, 1, 2].map((i) => a.tileCodec(i))).toEqual([0, 0, 0]);
    expect(b.blob.length).toBe(12);
    // section 1: 32 + 12 + 8 = 52 → section 2 starts at 56, padding zeroed.
    expect(b.desc.roleId).toBe(4);
    expect(bytes.subarray(52, 56)).toEqual(Buffer.alloc(4));
    expect(isViewInto(b.tilePayload(1), bytes)).toBe(true);
    expect(() => a.tilePayload(3)).toThrow(RangeError);
  });

  it('omits the codec table when every tile uses the default codec', () => {
    const [s] = parseTensorSectionTable(
      table([section(1, ['a', 'b'], { codecIds: [5, 5], codecId: 5 })], 2),
      1,
      2,
    );
    expect(s.desc.codecTableBytes).toBe(0);
    expect(s.tileCodec(1)).toBe(5);
  });

  it('accepts an empty table for zero sections, and sections of zero tiles', () => {
    expect(parseTensorSectionTable(Buffer.alloc(0), 0, 5)).toEqual([]);
    const [s] = parseTensorSectionTable(table([section(1, [])], 0), 1, 0);
    expect(s.tileCount).toBe(0);
  });

  function mutated(at: number, write: (b: Buffer) => void): Buffer {
    const bytes = table([section(1, ['abc', 'de']), section(2, ['f', 'g'])], 2);
    write(bytes.subarray(at));
    return bytes;
  }

  it.each<[string, (b: Buffer) => void, NnrpErrorKind]>([
    [
      'codec_table_bytes neither 0 nor tile_count',
      (b) => b.writeUInt32LE(1, 12),
      NnrpErrorKind.InvalidProtocolCombination,
    ],
    [
      'MIXED_CODEC without a codec table',
      (b) => b.writeUInt16LE(1, 6),
      NnrpErrorKind.InvalidProtocolCombination,
    ],
    [
      'FIXED_STRIDE with stride 0',
      (b) => b.writeUInt16LE(2, 6),
      NnrpErrorKind.InvalidProtocolCombination,
    ],
    [
      'stride without FIXED_STRIDE',
      (b) => b.writeUInt32LE(4, 24),
      NnrpErrorKind.InvalidProtocolCombination,
    ],
    [
      'length table not tile_count × 4',
      (b) => b.writeUInt32LE(4, 16),
      NnrpErrorKind.LengthMismatch,
    ],
    ['payload_bytes ≠ Σ lengths', (b) => b.writeUInt32LE(4, 20), NnrpErrorKind.LengthMismatch],
    ['a lying tile length', (b) => b.writeUInt32LE(0xffff_ffff, 32), NnrpErrorKind.LengthMismatch],
    ['a lying payload_bytes', (b) => b.writeUInt32LE(0xffff_ffff, 20), NnrpErrorKind.TooShort],
  ])('refuses %s', (_, write, kind) => {
    expectProtocolError(() => parseTensorSectionTable(mutated(0, write), 2, 2), kind);
  });

  it('refuses non-zero padding between sections, non-increasing roles and trailing bytes', () => {
    expectProtocolError(
      () =>
        parseTensorSectionTable(
          mutated(45, (b) => (b[0] = 1)),
          2,
          2,
        ),
      NnrpErrorKind.NonZeroReservedField,
      'tensor_section.padding',
    );
    expectProtocolError(
      () =>
        parseTensorSectionTable(
          mutated(48, (b) => b.writeUInt16LE(1, 0)),
          2,
          2,
        ),
      NnrpErrorKind.InvalidProtocolCombination,
      'tensor sections must have strictly increasing role_id',
    );
    const good = table([section(1, ['a'])], 1);
    expectProtocolError(
      () => parseTensorSectionTable(Buffer.concat([good, Buffer.alloc(1)]), 1, 1),
      NnrpErrorKind.LengthMismatch,
    );
    expectProtocolError(
      () => parseTensorSectionTable(good, 2, 1),
      NnrpErrorKind.TooShort,
      'tensor_section_table',
    );
  });

  it('refuses dirty stride padding and tiles longer than the stride', () => {
    const bytes = table([section(1, ['a', 'b'], { payloadStrideBytes: 2 })], 2);
    const dirty = Buffer.from(bytes);
    dirty[bytes.length - 1] = 9;
    expectProtocolError(
      () => parseTensorSectionTable(dirty, 1, 2),
      NnrpErrorKind.NonZeroReservedField,
      'tensor_section.stride_padding',
    );
    const long = Buffer.from(bytes);
    long.writeUInt32LE(3, 32);
    expectProtocolError(
      () => parseTensorSectionTable(long, 1, 2),
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });

  it('the planner refuses what the reader refuses', () => {
    expectProtocolError(
      () => planTensorSectionTable([section(2, ['a']), section(2, ['b'])], 1),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => planTensorSectionTable([section(1, ['a'])], 2),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => planTensorSectionTable([section(1, ['abc'], { payloadStrideBytes: 2 })], 1),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => planTensorSectionTable([section(1, ['a'], { codecIds: [1, 2] })], 1),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => planTensorSectionTable([section(1, ['a'], { codecIds: [256] })], 1),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => planTensorSectionTable([section(1, ['a'], { dtypeId: 9 as TensorDtype })], 1),
      NnrpErrorKind.UnknownEnumValue,
    );
  });
});
