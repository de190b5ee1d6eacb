import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  buildTokenBody,
  buildTypedPayloadBody,
  decodeTokenChunks,
  TOKEN_DELTA_BINDING,
} from '../../src/body';
import { expectProtocolError, hex, isViewInto } from './body-test-helpers';

// data-plane.md §15: the token FRAME_SUBMIT body of one partial "hello" chunk (3.8 encoder bytes).
const WORKED_EXAMPLE_BODY = hex(`
  00000000 00000000 18000000 05000000 00000000 00000000 00000000 00000000
  0200 0200 01100000 03000000 0200 0000 00000000 05000000
  68656c6c6f`);

describe('token profile bodies (§2.11)', () => {
  it('binds the standard token-delta schema', () => {
    expect(TOKEN_DELTA_BINDING).toEqual({
      profileId: 2,
      schemaId: 0x1001,
      schemaVersion: 3,
      streamSemantics: 2,
    });
  });

  it('builds the §15 worked-example body byte for byte', () => {
    const built = buildTokenBody([{ text: 'hello', partial: true }]);
    expect(built.body).toEqual(WORKED_EXAMPLE_BODY);
    expect(built.payloadFrameCount).toBe(1);
    expect(built.payloadKindBitmap).toBe(0x2);
  });

  it('reads the worked example back as one partial chunk, zero-copy', () => {
    const [chunk, ...rest] = decodeTokenChunks(
      { payloadKindBitmap: 2, payloadFrameCount: 1 },
      WORKED_EXAMPLE_BODY,
    );
    expect(rest).toEqual([]);
    expect(chunk.text).toBe('hello');
    expect(chunk.isPartial).toBe(true);
    expect(chunk.isTerminal).toBe(false);
    expect(isViewInto(chunk.bytes, WORKED_EXAMPLE_BODY)).toBe(true);
  });

  it('marks the last chunk terminal and the others partial by default; explicit flags win', () => {
    const built = buildTokenBody([
      { text: 'héllo ' },
      { bytes: Buffer.from([0xe2, 0x82, 0xac]) },
      { text: '!', partial: true, terminal: true },
      { text: '' },
    ]);
    const chunks = decodeTokenChunks(built, built.body);
    expect(chunks.map((c) => [c.text, c.isPartial, c.isTerminal])).toEqual([
      ['héllo ', true, false],
      ['€', true, false],
      ['!', true, true],
      ['', false, true],
    ]);
    expect(chunks[0].descriptor.length).toBe(7);
    const quiet = buildTokenBody([{ text: 'x', partial: false }]);
    expect(decodeTokenChunks(quiet, quiet.body)[0].descriptor.descriptorFlags).toBe(0);
  });

  it('builds an empty token body as a bare prelude', () => {
    const built = buildTokenBody([]);
    expect(built.body).toEqual(Buffer.alloc(32));
    expect(decodeTokenChunks(built, built.body)).toEqual([]);
  });

  it('keeps only token-profile frames of a mixed body', () => {
    const built = buildTypedPayloadBody({
      payloadKindBitmap: 0x2 | 0x4,
      frames: [
        { profileId: 0, schemaId: 7, schemaVersion: 1, payload: Buffer.from('audio') },
        { ...TOKEN_DELTA_BINDING, payload: Buffer.from('tok') },
      ],
    });
    expect(decodeTokenChunks(built, built.body).map((c) => c.text)).toEqual(['tok']);
  });

  it('throws NnrpProtocolError for a raw, prelude-less Rust body', () => {
    expectProtocolError(
      () => decodeTokenChunks({ payloadKindBitmap: 2, payloadFrameCount: 1 }, Buffer.from('delta')),
      NnrpErrorKind.TooShort,
    );
    const wrongCount = { payloadKindBitmap: 2, payloadFrameCount: 2 };
    expectProtocolError(
      () => decodeTokenChunks(wrongCount, WORKED_EXAMPLE_BODY),
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });
});
