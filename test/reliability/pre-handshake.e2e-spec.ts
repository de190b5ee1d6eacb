import {
  encodePacket,
  ErrorCode,
  MessageType,
  messageTypeInfo,
  messageTypeName,
} from '@nest-nnrp/protocol';
import { RawPeer } from '../../bench/fuzz/raw-peer';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { rawSubmit } from '../support/raw-packets';

/** What may come first (control-plane.md §6.5): the handshakes, and PING / PONG / PROBE. */
const ALLOWED_FIRST = new Set<MessageType>([
  MessageType.ClientHello,
  MessageType.SessionOpen,
  MessageType.Ping,
  MessageType.Pong,
  MessageType.TransportProbe,
]);

const REFUSED_FIRST = Object.values(MessageType)
  .filter((value): value is MessageType => typeof value === 'number')
  .filter((type) => !ALLOWED_FIRST.has(type))
  .map((type) => [messageTypeName(type), type] as const);

describe('nothing but the handshake before the handshake (security)', () => {
  let server: NnrpTestApp;
  let probe: FrameProbe;

  beforeAll(async () => {
    server = await startNnrpTestApp([BehaviourController], {}, [FrameProbe]);
    probe = server.app.get(FrameProbe);
  });
  afterAll(() => server.close());

  it.each(REFUSED_FIRST)(
    'refuses %s sent first: fatal ERROR invalid_state, close, nothing processed behind it',
    async (_name, type) => {
      const peer = await RawPeer.connect({ port: server.port });
      // Well-formed for its type (exact metadata length), addressed to session 1, frame 1.
      const first = encodePacket(
        { messageType: type, sessionId: 1, frameId: 1 },
        Buffer.alloc(messageTypeInfo(type)!.fixedMetaLen),
      );
      const invokedBefore = probe.invoked.length;
      peer.write(Buffer.concat([first, rawSubmit(1, 2, Route.sleep, '1')]));
      expect(await peer.waitClosed(3000)).toBe(true);
      expect(peer.errors.map((e) => [e.errorCode, e.isFatal])).toEqual([
        [ErrorCode.InvalidState, true],
      ]);
      expect([...peer.counts.keys()]).toEqual([MessageType.Error]);
      expect(probe.invoked.length).toBe(invokedBefore);
    },
  );
});
