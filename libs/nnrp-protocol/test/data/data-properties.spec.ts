import fc from 'fast-check';
import {
  BUDGET_POLICY_MASK,
  checkResultPushSemantics,
  decodeFrameSubmit,
  decodeResultPush,
  encodeFrameSubmit,
  encodeResultPush,
  FRAME_SUBMIT_METADATA_LEN,
  FrameSubmitOffset,
  RESULT_PUSH_METADATA_LEN,
  ResultPushRule,
} from '../../src/messages/data';
import { frameSubmitArb, resultPushArb } from './data-arbitraries';
import {
  assertDecoderOnlyThrowsProtocolErrors,
  checkCodecProperties,
} from './protocol-test-helpers';

describe('data-plane codec properties', () => {
  it('FRAME_SUBMIT: round trip and fuzzed decode (lenient)', () => {
    checkCodecProperties(
      frameSubmitArb,
      encodeFrameSubmit,
      decodeFrameSubmit,
      FRAME_SUBMIT_METADATA_LEN,
    );
  });

  it('FRAME_SUBMIT: the Rust 3.8 slot decodes to the same metadata', () => {
    fc.assert(
      fc.property(frameSubmitArb, (m) => {
        const bytes = encodeFrameSubmit(m);
        bytes.writeUInt32LE(0, FrameSubmitOffset.tileIndexBytes);
        bytes.writeUInt32LE(m.tileIndexBytes, FrameSubmitOffset.tileIndexBytesRust38);
        expect(decodeFrameSubmit(bytes)).toEqual(m);
      }),
    );
  });

  it('FRAME_SUBMIT: strict mode accepts exactly the submits without tile_index_bytes', () => {
    fc.assert(
      fc.property(frameSubmitArb, (m) => {
        const decode = (): unknown => decodeFrameSubmit(encodeFrameSubmit(m), { strict: true });
        if (m.tileIndexBytes === 0) expect(decode()).toEqual(m);
        else expect(decode).toThrow('frame_submit.reserved1');
      }),
    );
  });

  it('RESULT_PUSH: round trip and fuzzed decode', () => {
    checkCodecProperties(
      resultPushArb,
      encodeResultPush,
      decodeResultPush,
      RESULT_PUSH_METADATA_LEN,
    );
  });

  it('RESULT_PUSH: the budget warning fires exactly when applied ⊄ submitted', () => {
    fc.assert(
      fc.property(
        resultPushArb,
        fc.integer({ min: 0, max: BUDGET_POLICY_MASK }),
        (m, submitted) => {
          const warned = checkResultPushSemantics(m, { budgetPolicy: submitted }).some(
            (warning) => warning.rule === ResultPushRule.BudgetNotGranted,
          );
          expect(warned).toBe((m.appliedBudgetPolicy | submitted) !== submitted);
        },
      ),
    );
  });

  it('FRAME_SUBMIT: the strict decoder throws only NnrpProtocolError on bad bytes', () => {
    assertDecoderOnlyThrowsProtocolErrors(
      (src) => decodeFrameSubmit(src, { strict: true }),
      FRAME_SUBMIT_METADATA_LEN,
      frameSubmitArb,
      encodeFrameSubmit,
    );
  });
});
