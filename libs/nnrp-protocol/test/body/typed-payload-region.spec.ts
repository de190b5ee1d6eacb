import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  buildTypedPayloadBody,
  decodeTypedPayloadBody,
  encodeTypedPayloadDescriptor,
  parseTypedPayloadRegion,
  type TypedPayloadDescriptor,
} from '../../src/body';
import { expectProtocolError, isViewInto, PayloadKindBits } from './body-test-helpers';

const desc = (offset: number, length: number, profileId = 2): TypedPayloadDescriptor => ({
  profileId,
  descriptorFlags: 0,
  schemaId: 0x1001,
  schemaVersion: 3,
  streamSemantics: 2,
  offset,
  length,
});
const table = (...ds: TypedPayloadDescriptor[]): Buffer =>
  Buffer.concat(ds.map(encodeTypedPayloadDescriptor));
const FRAMES = Buffer.from('abcdef');
const TOKEN = PayloadKindBits.TokenChunk;

describe('TypedPayloadRegion (§2.9 rules 1–6)', () => {
  it('returns zero-copy frame views, zero-length frames included', () => {
    const frames = parseTypedPayloadRegion(
      TOKEN,
      3,
      table(desc(0, 2), desc(2, 0), desc(2, 4)),
      FRAMES,
    );
    expect(frames.map((f) => f.payload.toString())).toEqual(['ab', '', 'cdef']);
    expect(frames.every((f) => isViewInto(f.payload, FRAMES))).toBe(true);
    expect(frames[2].descriptor).toEqual(desc(2, 4));
  });

  it('rule 1: the bitmap mask', () => {
    expectProtocolError(
      () => parseTypedPayloadRegion(0x80, 0, Buffer.alloc(0), Buffer.alloc(0)),
      NnrpErrorKind.ReservedBitsSet,
    );
  });

  it('rule 2: descriptor region = payload_frame_count × 24', () => {
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 2, table(desc(0, 6)), FRAMES),
      NnrpErrorKind.InvalidProtocolCombination,
      'typed payload descriptor region length must match payload_frame_count',
    );
  });

  it('rule 3: zero frames ⇒ both regions empty', () => {
    expect(parseTypedPayloadRegion(TOKEN, 0, Buffer.alloc(0), Buffer.alloc(0))).toEqual([]);
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 0, Buffer.alloc(0), FRAMES),
      NnrpErrorKind.InvalidProtocolCombination,
      'zero typed payload frames require empty descriptor and frame regions',
    );
  });

  it('rule 4: each descriptor parses', () => {
    const bad = table(desc(0, 6));
    bad.writeUInt16LE(0x10, 2);
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 1, bad, FRAMES),
      NnrpErrorKind.ReservedBitsSet,
    );
  });

  it('rule 5: profiles against the bitmap', () => {
    expectProtocolError(
      () =>
        parseTypedPayloadRegion(TOKEN | PayloadKindBits.Tensor, 1, table(desc(0, 6, 1)), FRAMES),
      NnrpErrorKind.InvalidProtocolCombination,
      'non-tensor typed payload frames must not use tensor profile',
    );
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 1, table(desc(0, 6, 0)), FRAMES),
      NnrpErrorKind.InvalidProtocolCombination,
      'token-only typed payload frames require token profile',
    );
    // Allowed by Rust: bitmap 0 with profile 0, tensor-only bitmap with a tensor descriptor, unknown profiles.
    expect(parseTypedPayloadRegion(0, 1, table(desc(0, 6, 0)), FRAMES)).toHaveLength(1);
    expect(
      parseTypedPayloadRegion(PayloadKindBits.Tensor, 1, table(desc(0, 6, 1)), FRAMES),
    ).toHaveLength(1);
    expect(
      parseTypedPayloadRegion(PayloadKindBits.AudioChunk, 1, table(desc(0, 6, 77)), FRAMES),
    ).toHaveLength(1);
  });

  it('rule 5: contiguous offsets, checked end, range inside the region', () => {
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 2, table(desc(0, 2), desc(3, 3)), FRAMES),
      NnrpErrorKind.InvalidProtocolCombination,
      'typed payload descriptors must be packed in strictly contiguous order',
    );
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 1, table(desc(1, 5)), FRAMES),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 2, table(desc(0, 6), desc(6, 0xffff_fffe)), FRAMES),
      NnrpErrorKind.LengthOverflow,
    );
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 1, table(desc(0, 7)), FRAMES),
      NnrpErrorKind.InvalidProtocolCombination,
      'typed payload descriptor range must fit the frame region',
    );
  });

  it('rule 6: full coverage of the frame region', () => {
    expectProtocolError(
      () => parseTypedPayloadRegion(TOKEN, 1, table(desc(0, 5)), FRAMES),
      NnrpErrorKind.InvalidProtocolCombination,
      'typed payload frame region must be exactly covered by descriptors',
    );
  });
});

describe('buildTypedPayloadBody', () => {
  it('packs descriptors and frames and reads back through decodeTypedPayloadBody', () => {
    const built = buildTypedPayloadBody({
      payloadKindBitmap: PayloadKindBits.AudioChunk,
      frames: [
        { profileId: 0, schemaId: 9, schemaVersion: 1, payload: Buffer.from('pcm0') },
        {
          profileId: 0,
          schemaId: 9,
          schemaVersion: 1,
          descriptorFlags: 1,
          streamSemantics: 4,
          payload: Buffer.alloc(0),
        },
      ],
    });
    expect(built.payloadFrameCount).toBe(2);
    expect(built.payloadKindBitmap).toBe(PayloadKindBits.AudioChunk);
    const frames = decodeTypedPayloadBody(built, built.body);
    expect(
      frames.map((f) => [f.descriptor.offset, f.descriptor.length, f.descriptor.descriptorFlags]),
    ).toEqual([
      [0, 4, 0],
      [4, 0, 1],
    ]);
    expect(frames[0].payload.toString()).toBe('pcm0');
  });

  it('builds a prelude-only body for no frames', () => {
    const built = buildTypedPayloadBody({ payloadKindBitmap: 0, frames: [] });
    expect(built.body).toEqual(Buffer.alloc(32));
    expect(decodeTypedPayloadBody(built, built.body)).toEqual([]);
  });

  it('refuses what the region parser refuses', () => {
    const frame = { profileId: 1, schemaId: 0, schemaVersion: 0, payload: Buffer.from('x') };
    expectProtocolError(
      () => buildTypedPayloadBody({ payloadKindBitmap: TOKEN, frames: [frame] }),
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expectProtocolError(
      () => buildTypedPayloadBody({ payloadKindBitmap: 0x100, frames: [] }),
      NnrpErrorKind.ReservedBitsSet,
    );
    expectProtocolError(
      () =>
        buildTypedPayloadBody({
          payloadKindBitmap: 0,
          frames: [{ ...frame, profileId: 0, descriptorFlags: 0x20 }],
        }),
      NnrpErrorKind.ReservedBitsSet,
    );
  });
});
