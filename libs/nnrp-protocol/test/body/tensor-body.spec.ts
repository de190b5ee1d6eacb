import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  buildTensorResultBody,
  buildTensorSubmitBody,
  encodeTileIndex,
  type ObjectReferenceBlock,
  selectTensorBodyLayout,
  TensorBodyView,
  type TensorBodyLayout,
  TensorDtype,
  TensorLayout,
  TensorScalePolicy,
  type TensorSectionInput,
  type TensorSubmitBodyInput,
  type TensorSubmitShape,
  TypedPayloadDescriptorFlag,
  encodeBodyRegionPrelude,
  splitBodyRegions,
  TENSOR_SECTION_DESC_LEN,
} from '../../src/body';
import {
  decodeFrameSubmit,
  decodeResultPush,
  encodeFrameSubmit,
  encodeResultPush,
  type FrameSubmitMetadata,
  InputProfile,
  ResultClass,
  type ResultPushMetadata,
} from '../../src/messages/data';
import {
  expectProtocolError,
  isViewInto,
  PayloadKindBits,
  SubmitModes,
  TileModes,
} from './body-test-helpers';

const SECTIONS: TensorSectionInput[] = [
  {
    roleId: 1,
    codecId: 0,
    dtypeId: TensorDtype.Fp16,
    layoutId: TensorLayout.Nchw,
    scalePolicy: TensorScalePolicy.None,
    elementCountPerTile: 2,
    tilePayloads: [Buffer.from('aaaa'), Buffer.from('bb'), Buffer.from('c')],
  },
  {
    roleId: 9,
    codecId: 1,
    dtypeId: TensorDtype.Int8,
    layoutId: TensorLayout.Nhwc,
    scalePolicy: TensorScalePolicy.Linear,
    elementCountPerTile: 3,
    payloadStrideBytes: 3,
    codecIds: [1, 2, 1],
    tilePayloads: [Buffer.from('xyz'), Buffer.from('q'), Buffer.alloc(0)],
  },
];
const CAMERA = Buffer.from('camera!');
const TOKEN_FRAME = {
  profileId: 2,
  schemaId: 0x1001,
  schemaVersion: 3,
  streamSemantics: 2,
  descriptorFlags: TypedPayloadDescriptorFlag.Terminal,
  payload: Buffer.from('tok'),
};

type SubmitBuild = ReturnType<typeof buildTensorSubmitBody>;

function submitMetadata(built: SubmitBuild): TensorSubmitShape {
  return { ...built };
}

function expectSections(view: TensorBodyView): void {
  expect(view.sections.map((s) => s.tilePayloads().map(String))).toEqual(
    SECTIONS.map((s) => s.tilePayloads.map(String)),
  );
  expect([0, 1, 2].map((i) => view.sections[1].tileCodec(i))).toEqual([1, 2, 1]);
}

describe('tensor body layout selection (decisions §4)', () => {
  const legacy = { payloadKindBitmap: 1, submitMode: 0, payloadFrameCount: 0, objectRefMask: 0 };
  it('is legacy only for tensor-only, inline, frame-less, reference-less submits', () => {
    expect(selectTensorBodyLayout(legacy)).toBe('legacy');
    expect(selectTensorBodyLayout({ ...legacy, payloadKindBitmap: 3 })).toBe('composed');
    expect(selectTensorBodyLayout({ ...legacy, payloadKindBitmap: 0 })).toBe('composed');
    expect(selectTensorBodyLayout({ ...legacy, submitMode: 2 })).toBe('composed');
    expect(selectTensorBodyLayout({ ...legacy, payloadFrameCount: 1 })).toBe('composed');
    expect(selectTensorBodyLayout({ ...legacy, objectRefMask: 1 })).toBe('composed');
  });
});

describe('legacy tensor bodies', () => {
  it('lays a submit out as camera ‖ pad8 ‖ tile index ‖ pad8 ‖ sections', () => {
    const built = buildTensorSubmitBody({
      layout: 'legacy',
      cameraBlock: CAMERA,
      tileIds: [3, 1, 2],
      sections: SECTIONS,
    });
    expect(built).toMatchObject({
      cameraBytes: 7,
      tileCount: 3,
      sectionCount: 2,
      tileIndexMode: TileModes.RawU16,
      tileIndexBytes: 6,
      tileBaseId: 0,
      payloadKindBitmap: 1,
      payloadFrameCount: 0,
      submitMode: SubmitModes.Inline,
      objectRefMask: 0,
    });
    const { body } = built;
    expect(body.subarray(0, 8).toString('hex')).toBe(CAMERA.toString('hex') + '00');
    expect(body.subarray(8, 14).toString('hex')).toBe('030001000200');
    expect(body.subarray(14, 16)).toEqual(Buffer.alloc(2));
    expect(body.readUInt16LE(16)).toBe(1); // first section's role_id
    const view = TensorBodyView.ofSubmit(submitMetadata(built), body);
    expect(view.layout).toBe('legacy');
    expect(view.regions).toBeUndefined();
    expect(view.cameraBlock.toString()).toBe('camera!');
    expect(Array.from(view.tileIds)).toEqual([3, 1, 2]);
    expectSections(view);
    expect(view.typedPayloads).toEqual([]);
    expect(view.validate()).toBe(view);
  });

  it('ends right after the tile index when there are no sections', () => {
    const built = buildTensorSubmitBody({
      layout: 'legacy',
      cameraBlock: CAMERA,
      tileIds: [0, 1],
      sections: [],
    });
    expect(built.body.length).toBe(8);
    expect(built.tileIndexMode).toBe(TileModes.DenseRange);
    const view = TensorBodyView.ofSubmit(submitMetadata(built), built.body);
    expect(Array.from(view.tileIds)).toEqual([0, 1]);
    expect(view.sections).toEqual([]);
  });

  it('lays a result out as tile index ‖ pad8 ‖ sections, no camera', () => {
    const built = buildTensorResultBody({
      layout: 'legacy',
      tileIds: [7, 8, 11],
      sections: SECTIONS,
    });
    expect(built).toEqual(
      expect.objectContaining({ tileIndexBytes: 6, tileBaseId: 0, tileCount: 3, sectionCount: 2 }),
    );
    expect(built.body.subarray(0, 8).toString('hex')).toBe('070008000b000000');
    const view = TensorBodyView.ofResult(built, built.body, 'legacy');
    expect(view.cameraBlock.length).toBe(0);
    expect(Array.from(view.tileIds)).toEqual([7, 8, 11]);
    expectSections(view);
  });

  it('writes a dense_range result index as zero bytes and tile_base_id', () => {
    const built = buildTensorResultBody({
      layout: 'legacy',
      tileIds: [20, 21, 22],
      sections: SECTIONS,
    });
    expect(built).toEqual(
      expect.objectContaining({
        tileIndexBytes: 0,
        tileBaseId: 20,
        tileIndexMode: TileModes.DenseRange,
      }),
    );
    expect(built.body.readUInt16LE(0)).toBe(1);
    expect(Array.from(TensorBodyView.ofResult(built, built.body, 'legacy').tileIds)).toEqual([
      20, 21, 22,
    ]);
  });

  it('hands out views into the body, never copies', () => {
    const built = buildTensorSubmitBody({
      layout: 'legacy',
      cameraBlock: CAMERA,
      tileIds: [4, 5, 6],
      tileIndexMode: TileModes.RawU16,
      sections: SECTIONS,
    });
    const view = TensorBodyView.ofSubmit(submitMetadata(built), built.body);
    const views = [
      view.cameraBlock,
      view.tileIndexBlock,
      ...view.sections.flatMap((s) => [s.blob, s.lengthTable, s.codecTable, s.tilePayload(0)]),
    ];
    expect(views.every((v) => isViewInto(v, built.body))).toBe(true);
    expect(view.sections[0].tilePayload(1).byteOffset).toBe(
      built.body.byteOffset + 16 + TENSOR_SECTION_DESC_LEN + 12 + 4,
    );
  });

  it.each<[string, (b: Buffer) => Buffer, NnrpErrorKind]>([
    [
      'dirty camera padding',
      (b) => {
        b[7] = 1;
        return b;
      },
      NnrpErrorKind.NonZeroReservedField,
    ],
    [
      'dirty tile index padding',
      (b) => {
        b[15] = 1;
        return b;
      },
      NnrpErrorKind.NonZeroReservedField,
    ],
    ['a truncated body', (b) => b.subarray(0, 12), NnrpErrorKind.TooShort],
    ['trailing bytes', (b) => Buffer.concat([b, Buffer.alloc(1)]), NnrpErrorKind.LengthMismatch],
  ])('refuses %s', (_, mutate, kind) => {
    const built = buildTensorSubmitBody({
      layout: 'legacy',
      cameraBlock: CAMERA,
      tileIds: [1, 0, 2],
      sections: SECTIONS,
    });
    const view = TensorBodyView.ofSubmit(submitMetadata(built), mutate(Buffer.from(built.body)));
    expectProtocolError(() => view.validate(), kind);
  });

  it('refuses lying metadata lengths as TooShort / LengthMismatch', () => {
    const built = buildTensorSubmitBody({
      layout: 'legacy',
      cameraBlock: CAMERA,
      tileIds: [1, 0],
      sections: [],
    });
    const meta = submitMetadata(built);
    expectProtocolError(
      () => TensorBodyView.ofSubmit({ ...meta, cameraBytes: 0xffff_ffff }, built.body).cameraBlock,
      NnrpErrorKind.TooShort,
    );
    expectProtocolError(
      () => TensorBodyView.ofSubmit({ ...meta, tileIndexBytes: 0xffff_fff0 }, built.body).tileIds,
      NnrpErrorKind.TooShort,
    );
    expectProtocolError(
      () => TensorBodyView.ofSubmit({ ...meta, tileCount: 3 }, built.body).tileIds,
      NnrpErrorKind.LengthMismatch,
    );
    expectProtocolError(
      () =>
        TensorBodyView.ofSubmit({ ...meta, sectionCount: 65535, tileCount: 65535 }, built.body)
          .sections,
      NnrpErrorKind.TooShort,
    );
  });

  it('refuses a legacy result that claims typed payloads', () => {
    const built = buildTensorResultBody({ layout: 'legacy', tileIds: [], sections: [] });
    expectProtocolError(
      () =>
        TensorBodyView.ofResult({ ...built, payloadFrameCount: 1 }, built.body, 'legacy').tileIds,
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });
});

describe('composed tensor bodies', () => {
  const mixedSubmit = (extra: Partial<TensorSubmitBodyInput> = {}): SubmitBuild =>
    buildTensorSubmitBody({
      layout: 'composed',
      cameraBlock: CAMERA,
      tileIds: [2, 4, 6],
      tileIndexMode: TileModes.DeltaU16,
      sections: SECTIONS,
      typedPayloads: [TOKEN_FRAME],
      extraPayloadKinds: PayloadKindBits.TokenChunk,
      ...extra,
    });

  it('carries camera, tile index and sections as inline objects beside typed payloads', () => {
    const built = mixedSubmit();
    expect(built).toMatchObject({
      payloadKindBitmap: 3,
      payloadFrameCount: 1,
      submitMode: SubmitModes.Inline,
      cameraBytes: 7,
      tileIndexBytes: 6,
    });
    const view = TensorBodyView.ofSubmit(submitMetadata(built), built.body);
    expect(view.layout).toBe('composed');
    expect(view.cameraBlock.toString()).toBe('camera!');
    expect(Array.from(view.tileIds)).toEqual([2, 4, 6]);
    expectSections(view);
    expect(view.typedPayloads.map((f) => f.payload.toString())).toEqual(['tok']);
    expect(view.regions?.prelude.typedPayloadDescriptorBytes).toBe(24);
    expect(isViewInto(view.sections[0].tilePayload(0), built.body)).toBe(true);
  });

  it('answers with a composed result (tile index + sections, optional typed payloads)', () => {
    const built = buildTensorResultBody({
      layout: 'composed',
      tileIds: [2, 4, 6],
      sections: SECTIONS,
      typedPayloads: [TOKEN_FRAME],
      extraPayloadKinds: 2,
    });
    expect(built).toMatchObject({ tileIndexBytes: 6, payloadKindBitmap: 3, payloadFrameCount: 1 });
    const view = TensorBodyView.ofResult(built, built.body, 'composed');
    expect(Array.from(view.tileIds)).toEqual([2, 4, 6]);
    expectSections(view);
    expect(view.typedPayloads).toHaveLength(1);
    const plain = buildTensorResultBody({ layout: 'composed', tileIds: [], sections: [] });
    expect(plain.body).toEqual(
      encodeBodyRegionPrelude({
        inlineObjectBytes: 0,
        objectReferenceBytes: 0,
        typedPayloadDescriptorBytes: 0,
        typedPayloadFrameBytes: 0,
        extensionDescriptorBytes: 0,
        extensionPayloadBytes: 0,
      }),
    );
  });

  it('leaves referenced slots out, marks the submit mixed or reference, and resolves them through the cache', () => {
    const tileRef: ObjectReferenceBlock = {
      objectKind: 2,
      cacheNamespace: 1,
      cacheKeyHi: 0,
      cacheKeyLo: 5,
    };
    const templateRef: ObjectReferenceBlock = {
      objectKind: 6,
      cacheNamespace: 1,
      cacheKeyHi: 0,
      cacheKeyLo: 6,
    };
    const built = buildTensorSubmitBody({
      layout: 'composed',
      tileIds: [2, 4, 6],
      tileIndexMode: TileModes.Bitset,
      sections: SECTIONS,
      objectReferences: [tileRef, templateRef],
    });
    expect(built).toMatchObject({
      submitMode: SubmitModes.Mixed,
      objectRefMask: 0b1010,
      tileIndexBytes: 0,
      payloadKindBitmap: 1,
    });
    const meta = submitMetadata(built);
    const cached = encodeTileIndex(TileModes.Bitset, [2, 4, 6]);
    const view = TensorBodyView.ofSubmit(meta, built.body, (r) =>
      r.cacheKeyLo === 5 ? cached : undefined,
    );
    expect(view.objectReferences).toEqual([tileRef, templateRef]);
    expect(Array.from(view.tileIds)).toEqual([2, 4, 6]);
    expectSections(view);
    expectProtocolError(
      () => TensorBodyView.ofSubmit(meta, built.body).tileIds,
      NnrpErrorKind.InvalidProtocolCombination,
      'object reference must resolve from cache',
    );
    const allByRef = buildTensorSubmitBody({
      layout: 'composed',
      tileIds: [1],
      sections: [],
      objectReferences: [tileRef],
    });
    expect(allByRef.submitMode).toBe(SubmitModes.Reference);
  });

  it('refuses a composed body whose inline objects disagree with the metadata', () => {
    const built = mixedSubmit();
    const meta = submitMetadata(built);
    const view = (m: Partial<TensorSubmitShape>, body = built.body): TensorBodyView =>
      TensorBodyView.ofSubmit({ ...meta, ...m }, body);
    expectProtocolError(
      () => view({ cameraBytes: 6 }).cameraBlock,
      NnrpErrorKind.LengthMismatch,
      'camera_bytes',
    );
    expectProtocolError(
      () => view({ tileIndexBytes: 4 }).tileIds,
      NnrpErrorKind.LengthMismatch,
      'tile_index_bytes',
    );
    expectProtocolError(
      () => view({ submitMode: SubmitModes.Mixed, objectRefMask: 1 }).tileIds,
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => view({ payloadFrameCount: 2 }).typedPayloads,
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => view({}, built.body.subarray(0, built.body.length - 1)).tileIds,
      NnrpErrorKind.LengthMismatch,
    );
    expectProtocolError(
      () => TensorBodyView.ofResult(built, built.body, 'composed').tileIds,
      NnrpErrorKind.InvalidProtocolCombination,
      'RESULT_PUSH tensor body carries no camera block',
    );
  });

  it('refuses out-of-order, duplicated or missing standard inline objects', () => {
    const built = mixedSubmit({ cameraBlock: undefined, sections: [] });
    const meta = submitMetadata(built);
    const regions = splitBodyRegions(built.body);
    // Duplicate the tile index block: the walk sees kind 2 twice.
    const inline = Buffer.concat([regions.inlineObjects, regions.inlineObjects]);
    const prelude = encodeBodyRegionPrelude({
      ...regions.prelude,
      inlineObjectBytes: inline.length,
    });
    const rest = built.body.subarray(32 + regions.inlineObjects.length);
    expectProtocolError(
      () => TensorBodyView.ofSubmit(meta, Buffer.concat([prelude, inline, rest])).tileIds,
      NnrpErrorKind.InvalidProtocolCombination,
      'tensor inline objects must appear once each, in camera, tile index, section table order',
    );
    const empty = encodeBodyRegionPrelude({ ...regions.prelude, inlineObjectBytes: 0 });
    expectProtocolError(
      () =>
        TensorBodyView.ofSubmit(
          { ...meta, tileIndexMode: TileModes.DenseRange, tileIndexBytes: 0 },
          Buffer.concat([empty, rest]),
        ).tileIds,
      NnrpErrorKind.InvalidProtocolCombination,
      'a tensor body with tiles must carry a TILE_INDEX_BLOCK',
    );
  });

  it('lets the builders refuse what the views would misread', () => {
    expectProtocolError(
      () =>
        buildTensorResultBody({
          layout: 'legacy',
          tileIds: [1, 3],
          tileIndexMode: TileModes.DeltaU16,
          sections: [],
        }),
      NnrpErrorKind.InvalidProtocolCombination,
      'RESULT_PUSH tile index must be raw_u16 or dense_range',
    );
    expectProtocolError(
      () => buildTensorSubmitBody({ layout: 'composed', tileIds: [1], sections: [] }),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () =>
        buildTensorSubmitBody({
          layout: 'legacy',
          tileIds: [1],
          sections: [],
          typedPayloads: [TOKEN_FRAME],
          extraPayloadKinds: 2,
        }),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () =>
        buildTensorResultBody({
          layout: 'legacy',
          tileIds: [1],
          sections: [],
          extraPayloadKinds: 2,
        }),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () =>
        buildTensorResultBody({
          layout: 'composed',
          tileIds: [1],
          sections: [],
          extraPayloadKinds: 0x80,
        }),
      NnrpErrorKind.ReservedBitsSet,
    );
  });
});

describe('submit round trips in every tile index mode and both layouts', () => {
  const cases: Array<[TensorBodyLayout, number, number[]]> = [];
  for (const layout of ['legacy', 'composed'] as const) {
    cases.push(
      [layout, TileModes.DenseRange, [10, 11, 12]],
      [layout, TileModes.RawU16, [9, 2, 700]],
      [layout, TileModes.DeltaU16, [2, 3, 900]],
      [layout, TileModes.Bitset, [0, 8, 63]],
    );
  }
  it.each(cases)('%s / mode %i', (layout, tileIndexMode, tileIds) => {
    const extra =
      layout === 'composed' ? { typedPayloads: [TOKEN_FRAME], extraPayloadKinds: 2 } : {};
    const built = buildTensorSubmitBody({
      layout,
      cameraBlock: CAMERA,
      tileIds,
      tileIndexMode,
      sections: SECTIONS,
      ...extra,
    });
    expect(built.tileIndexMode).toBe(tileIndexMode);
    const view = TensorBodyView.ofSubmit(submitMetadata(built), built.body).validate();
    expect(view.layout).toBe(layout);
    expect(Array.from(view.tileIds)).toEqual(tileIds);
    expect(view.cameraBlock).toEqual(CAMERA);
    expectSections(view);
  });
});

describe('with the FRAME_SUBMIT / RESULT_PUSH metadata codecs', () => {
  it('feeds decoded metadata straight into the views', () => {
    const submit = buildTensorSubmitBody({
      layout: 'legacy',
      cameraBlock: CAMERA,
      tileIds: [4, 1],
      sections: SECTIONS.map((s) => ({
        ...s,
        tilePayloads: s.tilePayloads.slice(0, 2),
        codecIds: s.codecIds?.slice(0, 2),
      })),
    });
    const submitMeta: FrameSubmitMetadata = decodeFrameSubmit(
      encodeFrameSubmit({
        srcWidth: 64,
        srcHeight: 64,
        tileWidth: 16,
        tileHeight: 16,
        frameClass: 0,
        inputProfile: InputProfile.Unspecified,
        latencyBudgetMs: 0,
        targetFpsX100: 0,
        retryOfFrame: 0,
        budgetPolicy: 0,
        lossTolerancePolicy: 0xff,
        dependencyFrameId: 0,
        tileCount: submit.tileCount,
        sectionCount: submit.sectionCount,
        tileIndexMode: submit.tileIndexMode,
        tileBaseId: submit.tileBaseId,
        cameraBytes: submit.cameraBytes,
        tileIndexBytes: submit.tileIndexBytes,
        submitMode: submit.submitMode,
        objectRefMask: submit.objectRefMask,
        payloadKindBitmap: submit.payloadKindBitmap,
        payloadFrameCount: submit.payloadFrameCount,
      }),
    );
    const submitView = TensorBodyView.ofSubmit(submitMeta, submit.body).validate();
    expect(Array.from(submitView.tileIds)).toEqual([4, 1]);

    const result = buildTensorResultBody({
      layout: submitView.layout,
      tileIds: submitView.tileIds,
      sections: [],
    });
    const resultMeta: ResultPushMetadata = decodeResultPush(
      encodeResultPush({
        statusCode: 0,
        resultFlags: 0,
        activeProfileId: 1,
        inferenceMs: 0,
        queueMs: 0,
        serverTotalMs: 0,
        resultClass: ResultClass.Complete,
        appliedBudgetPolicy: 0,
        reusedFrameId: 0,
        coveredTileCount: result.tileCount,
        droppedTileCount: 0,
        tileCount: result.tileCount,
        sectionCount: result.sectionCount,
        tileBaseId: result.tileBaseId,
        tileIndexBytes: result.tileIndexBytes,
        payloadKindBitmap: result.payloadKindBitmap,
        payloadFrameCount: result.payloadFrameCount,
      }),
    );
    expect(Array.from(TensorBodyView.ofResult(resultMeta, result.body, 'legacy').tileIds)).toEqual([
      4, 1,
    ]);
  });
});
