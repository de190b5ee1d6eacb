import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import { HeaderFlag } from '../../src/header/header-flags';
import { MessageType } from '../../src/header/message-type';
import { decodePacket, encodePacket } from '../../src/packet/packet';
import { validateResultDropHeader } from '../../src/packet/header-only-rules';
import { expectProtocolError, hex } from './protocol-test-helpers';

// data-plane.md §15: RESULT_DROP of frame 7 in session 42 is the 40-byte header alone.
const GOLDEN = hex(
  '4e4e5250010013280000000000000000000000002a00000007000000000000000000000000000000',
);

describe('RESULT_DROP (data-plane.md §4)', () => {
  it('encodes the §15 golden header byte for byte', () => {
    const bytes = encodePacket({ messageType: MessageType.ResultDrop, sessionId: 42, frameId: 7 });
    expect(bytes.equals(GOLDEN)).toBe(true);
  });

  it('decodes the golden and passes the header-only rule', () => {
    const { header, metadata, body } = decodePacket(GOLDEN);
    expect(header).toMatchObject({
      messageType: MessageType.ResultDrop,
      sessionId: 42,
      frameId: 7,
    });
    expect(metadata).toHaveLength(0);
    expect(body).toHaveLength(0);
    expect(() => validateResultDropHeader(header)).not.toThrow();
  });

  it('may carry CAN_DROP but no metadata or body', () => {
    const flagged = encodePacket({
      messageType: MessageType.ResultDrop,
      flags: HeaderFlag.CanDrop,
      sessionId: 42,
      frameId: 7,
    });
    expect(() => validateResultDropHeader(decodePacket(flagged).header)).not.toThrow();
    const withBody = encodePacket(
      { messageType: MessageType.ResultDrop, sessionId: 42, frameId: 7 },
      undefined,
      Buffer.from([1]),
    );
    expectProtocolError(
      () => validateResultDropHeader(decodePacket(withBody).header),
      NnrpErrorKind.InvalidProtocolCombination,
      'RESULT_DROP is header-only and requires meta_len=0 and body_len=0',
    );
  });
});
