import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import { MessageType } from '../../src/header/message-type';
import { decodePacket } from '../../src/packet/packet';
import {
  decodeFrameSubmit,
  EMPTY_FRAME_SUBMIT,
  encodeFrameSubmit,
  FRAME_SUBMIT_METADATA_LEN,
  FrameSubmitMetadata,
  FrameSubmitOffset,
  InputProfile,
  LossTolerancePolicy,
  PayloadKind,
  SubmitMode,
  TileIndexMode,
} from '../../src/messages/data';
import {
  expectProtocolError,
  hex,
  itChecksRulesInOrder,
  ParseRule,
  zeroBlock,
} from './protocol-test-helpers';

const ZERO: FrameSubmitMetadata = { ...EMPTY_FRAME_SUBMIT };

// data-plane.md §15: token FRAME_SUBMIT, 25 ms budget, inherit loss tolerance, one chunk.
const WORKED_HEADER =
  '4e4e5250 01 00 10 28 00000000 48000000 3d000000 2a000000 01000000 0000 0000 0000000000000000';
const WORKED_META = `0000 0000 0000 0000 0000 0000 00 00 00 00 1900 0000 00000000 00000000 00000000
  0000000000000000 0000000000000000 00000000 00 00 ff 00 00000000 00000000
  02000000 0100 0000`;
const WORKED_BODY = `00000000 00000000 18000000 05000000 00000000 00000000 00000000 00000000
  0200 0200 01100000 03000000 0200 0000 00000000 05000000 68656c6c6f`;
const WORKED_FIELDS: FrameSubmitMetadata = {
  ...ZERO,
  latencyBudgetMs: 25,
  lossTolerancePolicy: LossTolerancePolicy.Inherit,
  payloadKindBitmap: PayloadKind.TokenChunk,
  payloadFrameCount: 1,
};

const TENSOR_SUBMIT: FrameSubmitMetadata = {
  ...ZERO,
  srcWidth: 1920,
  srcHeight: 1080,
  tileWidth: 64,
  tileHeight: 64,
  tileCount: 3,
  sectionCount: 2,
  frameClass: 1,
  inputProfile: InputProfile.ChangedTilesLuma,
  tileIndexMode: TileIndexMode.RawU16,
  latencyBudgetMs: 33,
  targetFpsX100: 3000,
  retryOfFrame: 5,
  tileBaseId: 7,
  cameraBytes: 48,
  tileIndexBytes: 6,
  submitMode: SubmitMode.Mixed,
  budgetPolicy: 0x0f,
  lossTolerancePolicy: 2,
  objectRefMask: 0x4,
  dependencyFrameId: 9,
  payloadKindBitmap: PayloadKind.Tensor | PayloadKind.StructuredEvent,
  payloadFrameCount: 1,
};

const zeroMeta = (...edits: ((b: Buffer) => void)[]): Buffer =>
  zeroBlock(FRAME_SUBMIT_METADATA_LEN, ...edits);

const O = FrameSubmitOffset;
const reserved = (field: string, edit: (b: Buffer) => void): ParseRule => ({
  name: field,
  kind: NnrpErrorKind.NonZeroReservedField,
  field: `frame_submit.${field}`,
  edit,
});

/** The rules of data-plane.md §2.2 in the reference's order (lenient decode). */
const RULES: ParseRule[] = [
  reserved('reserved0', (b) => (b[O.reserved0] = 1)),
  reserved('reserved1', (b) => {
    b.writeUInt32LE(1, O.tileIndexBytes);
    b.writeUInt32LE(1, O.tileIndexBytesRust38);
  }),
  reserved('reserved2', (b) => (b[O.reserved2 + 7] = 0x80)),
  reserved('reserved3', (b) => (b[O.reserved3 + 2] = 1)),
  reserved('reserved4', (b) => (b[O.reserved4] = 1)),
  reserved('reserved5', (b) => (b[O.reserved5 + 1] = 1)),
  {
    name: 'budget mask',
    kind: NnrpErrorKind.ReservedBitsSet,
    field: 'frame_submit.budget_policy',
    edit: (b) => (b[O.budgetPolicy] = 0x10),
  },
  {
    name: 'payload kind mask',
    kind: NnrpErrorKind.ReservedBitsSet,
    field: 'frame_submit.payload_kind_bitmap',
    edit: (b) => b.writeUInt32LE(0x80000000, O.payloadKindBitmap),
  },
  {
    name: 'input_profile enum',
    kind: NnrpErrorKind.UnknownEnumValue,
    field: 'input_profile',
    edit: (b) => (b[O.inputProfile] = 3),
  },
  {
    name: 'tile_index_mode enum',
    kind: NnrpErrorKind.UnknownEnumValue,
    field: 'tile_index_mode',
    edit: (b) => (b[O.tileIndexMode] = 4),
  },
  {
    name: 'submit_mode enum',
    kind: NnrpErrorKind.UnknownEnumValue,
    field: 'submit_mode',
    edit: (b) => (b[O.submitMode] = 3),
  },
  {
    name: 'non-tensor shape',
    kind: NnrpErrorKind.InvalidProtocolCombination,
    field: 'non-tensor FRAME_SUBMIT must clear tensor tile fields',
    edit: (b) => b.writeUInt16LE(64, O.srcWidth),
  },
];

/** Width of each tensor-only field, to write it straight into bytes. */
const TENSOR_FIELDS: [keyof FrameSubmitMetadata, 1 | 2 | 4][] = [
  ['srcWidth', 2],
  ['srcHeight', 2],
  ['tileWidth', 2],
  ['tileHeight', 2],
  ['tileCount', 2],
  ['sectionCount', 2],
  ['tileBaseId', 4],
  ['cameraBytes', 4],
  ['tileIndexBytes', 4],
  ['inputProfile', 1],
];

describe('FRAME_SUBMIT metadata', () => {
  it('decodes and re-encodes the §15 worked example byte for byte', () => {
    const meta = hex(WORKED_META);
    expect(meta).toHaveLength(FRAME_SUBMIT_METADATA_LEN);
    expect(decodeFrameSubmit(meta)).toEqual(WORKED_FIELDS);
    expect(decodeFrameSubmit(meta, { strict: true })).toEqual(WORKED_FIELDS);
    expect(encodeFrameSubmit(WORKED_FIELDS).equals(meta)).toBe(true);
  });

  it('reads the §15 worked example as a whole packet (173 bytes)', () => {
    const packet = decodePacket(hex(WORKED_HEADER + WORKED_META + WORKED_BODY));
    expect(packet.header).toMatchObject({
      messageType: MessageType.FrameSubmit,
      metaLen: FRAME_SUBMIT_METADATA_LEN,
      bodyLen: 61,
      sessionId: 42,
      frameId: 1,
    });
    expect(decodeFrameSubmit(packet.metadata)).toEqual(WORKED_FIELDS);
  });

  it('accepts an all-zero block (bitmap 0, inline) and ignores trailing bytes', () => {
    expect(decodeFrameSubmit(zeroMeta())).toEqual(ZERO);
    const longer = Buffer.concat([encodeFrameSubmit(TENSOR_SUBMIT), Buffer.from([0xff, 0xff])]);
    expect(decodeFrameSubmit(longer)).toEqual(TENSOR_SUBMIT);
  });

  it('round-trips a tensor submit with every field set, as a new 72-byte buffer', () => {
    const bytes = encodeFrameSubmit(TENSOR_SUBMIT);
    expect(bytes).toHaveLength(FRAME_SUBMIT_METADATA_LEN);
    expect(bytes.readUInt32LE(O.tileIndexBytes)).toBe(6);
    expect(bytes.readUInt32LE(O.tileIndexBytesRust38)).toBe(0);
    expect(decodeFrameSubmit(bytes)).toEqual(TENSOR_SUBMIT);
    expect(encodeFrameSubmit(TENSOR_SUBMIT)).not.toBe(bytes);
  });

  it('rejects a source shorter than 72 bytes', () => {
    expectProtocolError(
      () => decodeFrameSubmit(Buffer.alloc(FRAME_SUBMIT_METADATA_LEN - 1)),
      NnrpErrorKind.TooShort,
      'frame_submit',
    );
  });

  describe('parse rules (data-plane.md §2.2)', () => {
    itChecksRulesInOrder(decodeFrameSubmit, FRAME_SUBMIT_METADATA_LEN, RULES);

    it('does not validate frame_class, loss tolerance, object_ref_mask or ids', () => {
      const bytes = zeroMeta((b) => {
        b[O.frameClass] = 0xee;
        b[O.lossTolerancePolicy] = 0x7e;
        b.writeUInt32LE(0xffffffff, O.objectRefMask);
        b.writeUInt32LE(0xffffffff, O.retryOfFrame);
        b.writeUInt32LE(0xffffffff, O.dependencyFrameId);
        b.writeUInt16LE(0xffff, O.payloadFrameCount);
      });
      expect(decodeFrameSubmit(bytes)).toMatchObject({
        frameClass: 0xee,
        lossTolerancePolicy: 0x7e,
        objectRefMask: 0xffffffff,
      });
    });
  });

  describe('non-tensor shape rule', () => {
    it.each(TENSOR_FIELDS)('%s must be 0 without the tensor bit', (field, width) => {
      const write = (b: Buffer): void => {
        b.writeUIntLE(1, O[field as keyof typeof O], width);
        b.writeUInt32LE(PayloadKind.TokenChunk, O.payloadKindBitmap);
      };
      const rule = 'non-tensor FRAME_SUBMIT must clear tensor tile fields';
      expectProtocolError(
        () => decodeFrameSubmit(zeroMeta(write)),
        NnrpErrorKind.InvalidProtocolCombination,
        rule,
      );
      const metadata = { ...ZERO, [field]: 1, payloadKindBitmap: PayloadKind.TokenChunk };
      expectProtocolError(
        () => encodeFrameSubmit(metadata),
        NnrpErrorKind.InvalidProtocolCombination,
        rule,
      );
      const tensor = zeroMeta((b) => {
        write(b);
        b.writeUInt32LE(PayloadKind.Tensor | PayloadKind.TokenChunk, O.payloadKindBitmap);
      });
      expect(decodeFrameSubmit(tensor)[field]).toBe(1);
    });

    it('lets a non-tensor submit carry any valid tile_index_mode', () => {
      const metadata = { ...WORKED_FIELDS, tileIndexMode: TileIndexMode.Bitset };
      expect(decodeFrameSubmit(encodeFrameSubmit(metadata))).toEqual(metadata);
    });
  });

  describe('tile_index_bytes position (decisions.md §3)', () => {
    const tensorBitmap = (b: Buffer) => b.writeUInt32LE(PayloadKind.Tensor, O.payloadKindBitmap);
    const at = (offset: number, value: number): Buffer =>
      zeroMeta((b) => {
        tensorBitmap(b);
        b.writeUInt32LE(value, offset);
      });

    it('lenient: reads our slot (32..35)', () => {
      expect(decodeFrameSubmit(at(O.tileIndexBytes, 0x01020304)).tileIndexBytes).toBe(0x01020304);
    });

    it('lenient: reads the Rust 3.8 slot (36..39)', () => {
      expect(decodeFrameSubmit(at(O.tileIndexBytesRust38, 12)).tileIndexBytes).toBe(12);
    });

    it('lenient: both slots zero is 0, both non-zero is reserved1', () => {
      expect(decodeFrameSubmit(zeroMeta(tensorBitmap)).tileIndexBytes).toBe(0);
      const both = at(O.tileIndexBytes, 1);
      both.writeUInt32LE(2, O.tileIndexBytesRust38);
      expectProtocolError(
        () => decodeFrameSubmit(both),
        NnrpErrorKind.NonZeroReservedField,
        'frame_submit.reserved1',
      );
    });

    it.each([32, 35, 36, 39])('strict: a non-zero byte %i is reserved1', (offset) => {
      const bytes = zeroMeta((b) => {
        tensorBitmap(b);
        b[offset] = 1;
      });
      expectProtocolError(
        () => decodeFrameSubmit(bytes, { strict: true }),
        NnrpErrorKind.NonZeroReservedField,
        'frame_submit.reserved1',
      );
      expect(() => decodeFrameSubmit(bytes)).not.toThrow();
    });

    it('strict: still rejects reserved0 first', () => {
      const bytes = zeroMeta((b) => {
        b[O.reserved0] = 1;
        b[O.tileIndexBytes] = 1;
      });
      expectProtocolError(
        () => decodeFrameSubmit(bytes, { strict: true }),
        NnrpErrorKind.NonZeroReservedField,
        'frame_submit.reserved0',
      );
    });

    it('a non-tensor submit with tile_index_bytes in either slot breaks the shape rule', () => {
      for (const offset of [O.tileIndexBytes, O.tileIndexBytesRust38]) {
        const bytes = zeroMeta((b) => b.writeUInt32LE(5, offset));
        expectProtocolError(
          () => decodeFrameSubmit(bytes),
          NnrpErrorKind.InvalidProtocolCombination,
          'non-tensor FRAME_SUBMIT must clear tensor tile fields',
        );
      }
    });
  });

  describe('encoder refuses what the decoder refuses', () => {
    it.each<[string, Partial<FrameSubmitMetadata>, NnrpErrorKind, string]>([
      [
        'budget',
        { budgetPolicy: 0x10 },
        NnrpErrorKind.ReservedBitsSet,
        'frame_submit.budget_policy',
      ],
      [
        'payload kind',
        { payloadKindBitmap: 0x81 },
        NnrpErrorKind.ReservedBitsSet,
        'frame_submit.payload_kind_bitmap',
      ],
      [
        'input_profile',
        { inputProfile: 3 as InputProfile },
        NnrpErrorKind.UnknownEnumValue,
        'input_profile',
      ],
      [
        'tile_index_mode',
        { tileIndexMode: 4 as TileIndexMode },
        NnrpErrorKind.UnknownEnumValue,
        'tile_index_mode',
      ],
      [
        'submit_mode',
        { submitMode: 3 as SubmitMode },
        NnrpErrorKind.UnknownEnumValue,
        'submit_mode',
      ],
    ])('%s', (_name, change, kind, field) => {
      expectProtocolError(() => encodeFrameSubmit({ ...TENSOR_SUBMIT, ...change }), kind, field);
    });
  });
});
