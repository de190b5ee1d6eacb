import fc from 'fast-check';
import { NnrpProtocolError } from '../../src/errors/nnrp-protocol-error';
import {
  buildTensorResultBody,
  buildTensorSubmitBody,
  buildTokenBody,
  decodeTokenChunks,
  decodeTypedPayloadBody,
  type ObjectReferenceBlock,
  TensorBodyView,
  type TensorBodyLayout,
  type TensorSectionInput,
  type TensorSubmitBodyInput,
  type TensorSubmitShape,
  type TokenChunkInput,
  TOKEN_DELTA_BINDING,
  walkInlineObjects,
  parseTensorSectionTable,
  decodeTileIndex,
} from '../../src/body';
import { TileModes } from './body-test-helpers';

const RUNS = { numRuns: 200 };
const MAX_TILES = 12;

// ---------- generators of valid inputs ----------

const tileIdsForMode = (mode: number): fc.Arbitrary<number[]> => {
  switch (mode) {
    case TileModes.DenseRange:
      return fc
        .tuple(
          fc.integer({ min: 0, max: 65535 - MAX_TILES }),
          fc.integer({ min: 0, max: MAX_TILES }),
        )
        .map(([base, count]) => Array.from({ length: count }, (_, i) => base + i));
    case TileModes.RawU16:
      return fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: MAX_TILES });
    default:
      return fc
        .uniqueArray(fc.integer({ min: 0, max: mode === TileModes.Bitset ? 4000 : 65535 }), {
          maxLength: MAX_TILES,
        })
        .map((ids) => ids.sort((a, b) => a - b));
  }
};

const sectionsFor = (tileCount: number): fc.Arbitrary<TensorSectionInput[]> =>
  fc
    .array(
      fc.record({
        roleGap: fc.integer({ min: 1, max: 300 }),
        codecId: fc.integer({ min: 0, max: 255 }),
        dtypeId: fc.integer({ min: 0, max: 7 }),
        layoutId: fc.integer({ min: 0, max: 1 }),
        scalePolicy: fc.integer({ min: 0, max: 2 }),
        elementCountPerTile: fc.integer({ min: 0, max: 0xffff_ffff }),
        strideExtra: fc.option(fc.integer({ min: 0, max: 5 })),
        codecIds: fc.option(
          fc.array(fc.integer({ min: 0, max: 255 }), {
            minLength: tileCount,
            maxLength: tileCount,
          }),
        ),
        tilePayloads: fc.array(fc.uint8Array({ maxLength: 16 }), {
          minLength: tileCount,
          maxLength: tileCount,
        }),
      }),
      { maxLength: 3 },
    )
    .map((raw) => {
      let roleId = -1;
      return raw.map(({ roleGap, strideExtra, codecIds, ...rest }) => {
        roleId += roleGap;
        const longest = Math.max(0, ...rest.tilePayloads.map((p) => p.length));
        return {
          ...rest,
          roleId,
          payloadStrideBytes: strideExtra === null ? undefined : Math.max(1, longest + strideExtra),
          codecIds: codecIds ?? undefined,
        };
      });
    });

interface Scenario {
  role: 'submit' | 'result';
  input: TensorSubmitBodyInput;
}

const TEMPLATE_REF: ObjectReferenceBlock = {
  objectKind: 6,
  cacheNamespace: 3,
  cacheKeyHi: 1,
  cacheKeyLo: 2,
};

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    role: fc.constantFrom<'submit' | 'result'>('submit', 'result'),
    layout: fc.constantFrom<TensorBodyLayout>('legacy', 'composed'),
    mode: fc.integer({ min: 0, max: 3 }),
    camera: fc.uint8Array({ maxLength: 20 }),
    frames: fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 2 }),
    useTemplateRef: fc.boolean(),
  })
  .chain(({ role, layout, mode, camera, frames, useTemplateRef }) => {
    const tileMode = role === 'result' ? mode % 2 : mode;
    return tileIdsForMode(tileMode).chain((tileIds) =>
      sectionsFor(tileIds.length).map((sections): Scenario => {
        const composedExtras =
          layout === 'composed' && (role === 'result' || frames.length > 0 || !useTemplateRef)
            ? {
                typedPayloads: [...frames, Buffer.from('t')].map((payload) => ({
                  ...TOKEN_DELTA_BINDING,
                  payload,
                })),
                extraPayloadKinds: 0x2,
              }
            : {};
        const templateRef =
          layout === 'composed' && role === 'submit' && useTemplateRef
            ? { objectReferences: [TEMPLATE_REF] }
            : {};
        return {
          role,
          input: {
            layout,
            tileIds,
            tileIndexMode: tileMode,
            sections,
            ...(role === 'submit' ? { cameraBlock: camera } : {}),
            ...composedExtras,
            ...templateRef,
          },
        };
      }),
    );
  });

function buildScenario({ role, input }: Scenario): { body: Buffer; view: TensorBodyView } {
  if (role === 'submit') {
    const built = buildTensorSubmitBody(input);
    return { body: built.body, view: TensorBodyView.ofSubmit(built, built.body) };
  }
  const built = buildTensorResultBody(input);
  return { body: built.body, view: TensorBodyView.ofResult(built, built.body, input.layout) };
}

// ---------- invariants ----------

function onlyProtocolErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof NnrpProtocolError)) {
      throw error;
    }
  }
}

describe('body properties (fast-check)', () => {
  it('build(valid input) → view gives the input back, in both layouts and every tile mode', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { view } = buildScenario(s);
        expect(view.validate().layout).toBe(s.input.layout);
        expect(Array.from(view.tileIds)).toEqual(s.input.tileIds);
        expect(Array.from(view.cameraBlock)).toEqual(Array.from(s.input.cameraBlock ?? []));
        expect(view.sections).toHaveLength(s.input.sections.length);
        s.input.sections.forEach((section, i) => {
          const got = view.sections[i];
          expect(got.desc).toMatchObject({
            roleId: section.roleId,
            codecId: section.codecId,
            dtypeId: section.dtypeId,
            layoutId: section.layoutId,
            scalePolicy: section.scalePolicy,
            elementCountPerTile: section.elementCountPerTile,
            payloadStrideBytes: section.payloadStrideBytes ?? 0,
          });
          section.tilePayloads.forEach((payload, t) => {
            expect(Array.from(got.tilePayload(t))).toEqual(Array.from(payload));
            expect(got.tileCodec(t)).toBe(section.codecIds?.[t] ?? section.codecId);
          });
        });
        expect(view.typedPayloads.map((f) => Array.from(f.payload))).toEqual(
          (s.input.typedPayloads ?? []).map((f) => Array.from(f.payload as Uint8Array)),
        );
      }),
      RUNS,
    );
  });

  it('token chunks round-trip', () => {
    const chunk: fc.Arbitrary<TokenChunkInput> = fc.oneof(
      fc.record({
        text: fc.string({ unit: 'grapheme', maxLength: 10 }),
        partial: fc.boolean(),
        terminal: fc.boolean(),
      }),
      fc.record({
        bytes: fc.uint8Array({ maxLength: 10 }),
        partial: fc.boolean(),
        terminal: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 5 }), (chunks) => {
        const built = buildTokenBody(chunks);
        const got = decodeTokenChunks(built, built.body);
        expect(got.map((c) => [Array.from(c.bytes), c.isPartial, c.isTerminal])).toEqual(
          chunks.map((c) => [
            Array.from(c.bytes ?? Buffer.from(c.text ?? '')),
            c.partial,
            c.terminal,
          ]),
        );
      }),
      RUNS,
    );
  });

  it('builders write every byte they allocate (no uninitialised memory leaks out)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const clean = buildScenario(s).body;
        const spy = jest
          .spyOn(Buffer, 'allocUnsafe')
          .mockImplementation((size: number) => Buffer.alloc(size, 0xa5));
        try {
          expect(buildScenario(s).body).toEqual(clean);
        } finally {
          spy.mockRestore();
        }
      }),
      { numRuns: 100 },
    );
  });

  // A shape with mostly small, sometimes huge (lying) counts and lengths.
  const u32 = fc.oneof(
    fc.integer({ min: 0, max: 64 }),
    fc.constant(0xffff_ffff),
    fc.integer({ min: 0, max: 0xffff_ffff }),
  );
  const u16 = fc.oneof(
    fc.integer({ min: 0, max: 8 }),
    fc.constant(0xffff),
    fc.integer({ min: 0, max: 0xffff }),
  );
  const shape: fc.Arbitrary<TensorSubmitShape> = fc.record({
    payloadKindBitmap: fc.oneof(fc.constantFrom(0x1, 0x2, 0x3), fc.integer({ min: 0, max: 0xff })),
    submitMode: fc.integer({ min: 0, max: 3 }),
    payloadFrameCount: u16,
    objectRefMask: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0x1f })),
    tileCount: u16,
    sectionCount: u16,
    tileIndexMode: fc.integer({ min: 0, max: 4 }),
    tileBaseId: u32,
    cameraBytes: u32,
    tileIndexBytes: u32,
  });

  function readEverything(meta: TensorSubmitShape, body: Buffer): void {
    onlyProtocolErrors(() => TensorBodyView.ofSubmit(meta, body).validate());
    onlyProtocolErrors(() => TensorBodyView.ofResult(meta, body, 'legacy').validate());
    onlyProtocolErrors(() => TensorBodyView.ofResult(meta, body, 'composed').validate());
    onlyProtocolErrors(() => decodeTokenChunks(meta, body));
    onlyProtocolErrors(() => decodeTypedPayloadBody(meta, body));
    onlyProtocolErrors(() => walkInlineObjects(body));
    onlyProtocolErrors(() => parseTensorSectionTable(body, meta.sectionCount, meta.tileCount));
    onlyProtocolErrors(() =>
      decodeTileIndex(meta.tileIndexMode, body, meta.tileCount, meta.tileBaseId),
    );
  }

  it('random bodies and shapes make the views throw only NnrpProtocolError', () => {
    fc.assert(
      fc.property(shape, fc.uint8Array({ maxLength: 200 }), (meta, bytes) =>
        readEverything(meta, Buffer.from(bytes)),
      ),
      { numRuns: 500 },
    );
  });

  it('every truncation and every single-byte change of rich valid bodies throws only NnrpProtocolError', () => {
    const heavy = (roleId: number, tiles: number): TensorSectionInput => ({
      roleId,
      codecId: 1,
      dtypeId: 0,
      layoutId: 0,
      scalePolicy: 0,
      elementCountPerTile: 4,
      codecIds: Array.from({ length: tiles }, (_, i) => i % 3),
      tilePayloads: Array.from({ length: tiles }, (_, i) => Buffer.alloc(5 + i * 7, i + 1)),
    });
    const scenarios: Scenario[] = [
      {
        role: 'submit',
        input: {
          layout: 'legacy',
          cameraBlock: Buffer.from('cam'),
          tileIds: [4, 1, 9],
          sections: [heavy(1, 3), heavy(2, 3), heavy(5, 3)],
        },
      },
      {
        role: 'result',
        input: { layout: 'legacy', tileIds: [1, 2, 3], sections: [heavy(1, 3), heavy(3, 3)] },
      },
      {
        role: 'submit',
        input: {
          layout: 'composed',
          cameraBlock: Buffer.from('camera'),
          tileIds: [2, 9, 17],
          tileIndexMode: TileModes.Bitset,
          sections: [heavy(1, 3), heavy(2, 3)],
          typedPayloads: [{ ...TOKEN_DELTA_BINDING, payload: Buffer.from('token') }],
          extraPayloadKinds: 0x2,
          objectReferences: [TEMPLATE_REF],
        },
      },
    ];
    for (const s of scenarios) {
      const { body } = buildScenario(s);
      const meta: TensorSubmitShape =
        s.role === 'submit'
          ? buildTensorSubmitBody(s.input)
          : { ...buildTensorResultBody(s.input), submitMode: 0, objectRefMask: 0, cameraBytes: 0 };
      for (let at = 0; at < body.length; at += 1) {
        readEverything(meta, body.subarray(0, at));
        for (const value of [0x00, 0xff, (body[at] + 1) & 0xff]) {
          const changed = Buffer.from(body);
          changed[at] = value;
          readEverything(meta, changed);
        }
      }
    }
  });

  interface Mutation {
    kind: 'set' | 'u32' | 'truncate' | 'append';
    at: number;
    value: number;
  }
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('u32' as const),
      at: fc.nat(),
      value: fc.oneof(fc.constant(0xffff_ffff), fc.integer({ min: 0, max: 0xffff_ffff })),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({
      kind: fc.constant('append' as const),
      at: fc.nat({ max: 9 }),
      value: fc.integer({ min: 0, max: 255 }),
    }),
  );

  function mutate(body: Buffer, m: Mutation): Buffer {
    const out = Buffer.from(body);
    if (out.length === 0) {
      return m.kind === 'append' ? Buffer.alloc(m.at + 1, m.value) : out;
    }
    const at = m.at % out.length;
    switch (m.kind) {
      case 'set':
        out[at] = m.value;
        return out;
      case 'u32':
        if (at + 4 <= out.length) {
          out.writeUInt32LE(m.value, at);
        }
        return out;
      case 'truncate':
        return out.subarray(0, at);
      default:
        return Buffer.concat([out, Buffer.alloc(m.at + 1, m.value)]);
    }
  }

  it('mutated valid bodies make the views throw only NnrpProtocolError, and they allocate no Buffer', () => {
    fc.assert(
      fc.property(scenario, fc.array(mutation, { minLength: 1, maxLength: 3 }), (s, mutations) => {
        const { body } = buildScenario(s);
        const broken = mutations.reduce(mutate, body);
        const meta: TensorSubmitShape =
          s.role === 'submit'
            ? buildTensorSubmitBody(s.input)
            : {
                ...buildTensorResultBody(s.input),
                submitMode: 0,
                objectRefMask: 0,
                cameraBytes: 0,
              };
        const spies = (['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'from', 'concat'] as const).map(
          (name) => jest.spyOn(Buffer, name),
        );
        try {
          spies.forEach((spy) => spy.mockClear());
          readEverything(meta, broken);
          spies.forEach((spy) => expect(spy).not.toHaveBeenCalled());
        } finally {
          spies.forEach((spy) => spy.mockRestore());
        }
      }),
      { numRuns: 300 },
    );
  });
});
