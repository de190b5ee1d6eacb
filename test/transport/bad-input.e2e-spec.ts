import { encodePacket, ErrorCode, HEADER_LEN, MessageType } from '@nest-nnrp/protocol';
import { BehaviourController } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';

describe.each(CARRIER_MODES)(
  'bad input is connection-fatal for its connection only (decisions.md §16) over %s',
  (mode) => {
    let server: NnrpTestApp;

    beforeAll(async () => {
      server = await startNnrpTestApp(
        [BehaviourController],
        { profile: { maxBodyBytes: 1024 } },
        [FrameProbe],
        mode,
      );
    });
    afterEach(() => destroyClients());
    afterAll(() => server.close());

    async function healthyPeer() {
      const client = await connectClient(server);
      const session = await client.openSession(TOKEN_SESSION);
      return { client, session };
    }

    const header = (patch: (b: Buffer) => void): Buffer => {
      const bytes = encodePacket({ messageType: MessageType.Ping });
      patch(bytes);
      return bytes;
    };

    it.each([
      ['garbage', Buffer.alloc(HEADER_LEN, 0xa5), ErrorCode.MalformedHeader],
      ['a bad version', header((b) => (b[4] = 2)), ErrorCode.MalformedHeader],
      ['an unknown message type', header((b) => (b[6] = 0x30)), ErrorCode.MalformedHeader],
      ['reserved flag bits', header((b) => b.writeUInt32LE(0x40, 8)), ErrorCode.MalformedHeader],
      ['a body over the cap', header((b) => b.writeUInt32LE(1 << 20, 16)), ErrorCode.LimitExceeded],
      [
        'a PING with metadata',
        Buffer.concat([header((b) => b.writeUInt32LE(4, 12)), Buffer.alloc(4)]),
        ErrorCode.MalformedBody,
      ],
    ])(
      'answers %s with a fatal ERROR and closes, while another connection keeps working',
      async (_n, bytes, code) => {
        const { session } = await healthyPeer();
        const bad = await connectClient(server);
        const hello = await bad.hello();
        expect(hello.id).toBeGreaterThan(0);
        bad.sendRaw(bytes);
        await bad.closed;
        expect(bad.errors).toHaveLength(1);
        expect(bad.errors[0].metadata.isFatal).toBe(true);
        expect(bad.errors[0].metadata.errorCode).toBe(code);
        const outcome = await session.submit(Buffer.from('alive'), { payloadKindBitmap: 2 }).done;
        expect(outcome.kind).toBe('result');
      },
    );

    it('closes a connection that sends a metadata block its decoder rejects', async () => {
      const bad = await connectClient(server);
      const session = await bad.openSession(TOKEN_SESSION);
      const meta = Buffer.alloc(72);
      meta[15] = 1; // FRAME_SUBMIT reserved0
      bad.sendRaw(
        encodePacket(
          { messageType: MessageType.FrameSubmit, sessionId: session.id, frameId: 1 },
          meta,
        ),
      );
      await bad.closed;
      expect(bad.errors[0]?.metadata.errorCode).toBe(ErrorCode.MalformedBody);
    });

    it('cuts off a client that never completes its first packet (handshake timeout)', async () => {
      const slow = await startNnrpTestApp(
        [BehaviourController],
        { handshakeTimeoutMs: 80 },
        [FrameProbe],
        mode,
      );
      try {
        const client = await connectClient(slow);
        client.sendRaw(Buffer.from('NNRP')); // a quarter of a header, then nothing
        await client.closed;
        expect(client.isClosed).toBe(true);
      } finally {
        await slow.close();
      }
    });
  },
);
