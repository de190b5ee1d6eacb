import {
  encodePacket,
  ErrorCode,
  MessageType,
  messageTypeInfo,
  messageTypeName,
} from '@nest-nnrp/protocol';
import { useBehaviourApp } from '../support/behaviour-app-fixture';
import { CARRIER_MODES } from '../support/carrier-mode';
import { Route } from '../support/behaviour-controller';
import { connectRawPeer } from '../support/nnrp-test-client';
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

describe.each(CARRIER_MODES)(
  'nothing but the handshake before the handshake (security) over %s',
  (mode) => {
    const app = useBehaviourApp(mode);

    it.each(REFUSED_FIRST)(
      'refuses %s sent first: fatal ERROR invalid_state, close, nothing processed behind it',
      async (_name, type) => {
        const peer = await connectRawPeer(app.server);
        // Well-formed for its type (exact metadata length), addressed to session 1, frame 1.
        const first = encodePacket(
          { messageType: type, sessionId: 1, frameId: 1 },
          Buffer.alloc(messageTypeInfo(type)!.fixedMetaLen),
        );
        const invokedBefore = app.probe.invoked.length;
        // Two writes: over QUIC's uni model the submit then travels on a uni stream of its own,
        // which the handshake gate must hold too.
        peer.write(first);
        peer.write(rawSubmit(1, 2, Route.sleep, '1'));
        expect(await peer.waitClosed(3000)).toBe(true);
        expect(peer.errors.map((e) => [e.errorCode, e.isFatal])).toEqual([
          [ErrorCode.InvalidState, true],
        ]);
        expect([...peer.counts.keys()]).toEqual([MessageType.Error]);
        expect(app.probe.invoked.length).toBe(invokedBefore);
      },
    );
  },
);
