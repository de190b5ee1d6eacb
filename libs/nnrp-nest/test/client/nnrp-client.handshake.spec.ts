import {
  ControlExtensionType,
  decodeClientHello,
  decodeSessionOpen,
  ErrorCode,
  ErrorScope,
  HeaderFlag,
  MessageType,
  ProfileId,
  SessionErrorCode,
  TOKEN_DELTA_SCHEMA_ID,
  TOKEN_DELTA_SCHEMA_VERSION,
  decodeControlExtensions,
} from '@nest-nnrp/protocol';
import { isNnrpClientError, NnrpClientError } from '../../src/client';
import { helloSession, openedSession, useScriptedPeer } from './client-fixture';
import { errorPacket, helloAckPacket, openAckPacket } from './scripted-packets';

describe('NnrpClient handshakes', () => {
  const scripted = useScriptedPeer();

  describe('CLIENT_HELLO flow', () => {
    it('sends a valid hello (ACK_REQUIRED, extensions ‖ auth) and opens the acked session', async () => {
      const connection = await scripted.connect();
      const authBlock = Buffer.from('a'.repeat(40));
      const extension = {
        extType: ControlExtensionType.TransportPolicy,
        extFlags: 0,
        payload: Buffer.alloc(8),
      };
      const pending = connection.client.hello({
        authBlock,
        extensions: [extension],
        requestedSessionId: 9,
      });

      const hello = await connection.peer.expectPacket(MessageType.ClientHello);
      expect(hello.header.flags).toBe(HeaderFlag.AckRequired);
      expect(hello.header.sessionId).toBe(0);
      const metadata = decodeClientHello(hello.metadata);
      expect(metadata.requestedSessionId).toBe(9);
      expect(metadata.authBytes).toBe(authBlock.length);
      expect(hello.body.subarray(metadata.controlExtensionBytes)).toEqual(authBlock);
      expect(
        decodeControlExtensions(hello.body.subarray(0, metadata.controlExtensionBytes)),
      ).toEqual([extension]);

      connection.peer.sendRaw(helloAckPacket(9, metadata));
      const session = await pending;
      expect(session.id).toBe(9);
      expect(session.flow).toBe('hello');
      expect(session.helloAck?.metadata.sessionId).toBe(9);
      expect(session.received).toEqual([MessageType.ServerHelloAck]);
      expect(connection.client.flow).toBe('hello');
      expect(connection.client.violations).toEqual([]);
    });

    it('can put the auth block first (preview1 order)', async () => {
      const connection = await scripted.connect();
      const authBlock = Buffer.from('secret');
      // Only the request bytes matter; the teardown rejects the unanswered hello.
      connection.client
        .hello({
          authBlock,
          authFirst: true,
          extensions: [{ extType: 0x4000, extFlags: 0, payload: Buffer.from('x') }],
        })
        .catch(() => undefined);
      const hello = await connection.peer.expectPacket(MessageType.ClientHello);
      expect(hello.body.subarray(0, authBlock.length)).toEqual(authBlock);
    });

    it('rejects with kind auth and the ERROR code when the server refuses the credentials', async () => {
      const connection = await scripted.connect();
      const pending = connection.client.hello({ authBlock: Buffer.from('bad') });
      await connection.peer.expectPacket(MessageType.ClientHello);
      connection.peer.sendRaw(
        errorPacket(
          { errorCode: ErrorCode.AuthFailed, errorScope: ErrorScope.Connection, isFatal: true },
          'auth failed',
        ),
      );
      connection.peer.end();

      const error = await pending.catch((e: unknown) => e);
      expect(isNnrpClientError(error, 'auth')).toBe(true);
      expect((error as NnrpClientError).errorCode).toBe(ErrorCode.AuthFailed);
      expect(connection.client.errors).toHaveLength(1);
      expect(connection.client.errors[0].body.toString()).toBe('auth failed');
      await connection.client.closed;
    });

    it('rejects with kind closed when the connection ends before the ack', async () => {
      const connection = await scripted.connect();
      const pending = connection.client.hello();
      await connection.peer.expectPacket(MessageType.ClientHello);
      connection.peer.destroy();
      await expect(pending).rejects.toMatchObject({ name: 'NnrpClientError', kind: 'closed' });
    });

    it('records an ack whose accepted bitmaps are not subsets of the hello', async () => {
      const connection = await scripted.connect();
      const pending = connection.client.hello({ supportedPayloadKindBitmap: 0x2 });
      const hello = await connection.peer.expectPacket(MessageType.ClientHello);
      connection.peer.sendRaw(
        helloAckPacket(3, decodeClientHello(hello.metadata), { acceptedPayloadKindBitmap: 0x7f }),
      );
      await pending;
      expect(connection.client.violations.map((v) => v.kind)).toEqual(['invalid-ack']);
    });

    it('opens one session per hello', async () => {
      const connected = await helloSession(await scripted.connect(), 4);
      const second = await helloSession({ client: connected.client, peer: connected.peer }, 5);
      expect([...connected.client.sessions.keys()]).toEqual([4, 5]);
      expect(second.session.id).toBe(5);
    });
  });

  describe('SESSION_OPEN flow', () => {
    it('sends the Rust-compatible SESSION_OPEN and exposes the ack', async () => {
      const connection = await scripted.connect();
      const pending = connection.client.openSession({
        requestedSessionId: 42,
        maxInFlightOperations: 4,
      });
      const open = await connection.peer.expectPacket(MessageType.SessionOpen);
      expect(open.header.sessionId).toBe(0);
      expect(open.body.length).toBe(0);
      const request = decodeSessionOpen(open.metadata);
      expect(request).toMatchObject({
        requestedSessionId: 42,
        profileId: ProfileId.Token,
        schemaId: TOKEN_DELTA_SCHEMA_ID,
        schemaVersion: TOKEN_DELTA_SCHEMA_VERSION,
        maxInFlightOperations: 4,
        clientSessionTag: 42n,
      });

      connection.peer.sendRaw(openAckPacket(request, { sessionId: 42 }));
      const session = await pending;
      expect(session.id).toBe(42);
      expect(session.flow).toBe('open');
      expect(session.ack?.grantedOperationCredit).toBe(2);
      expect(connection.client.flow).toBe('open');
    });

    it('sends declared blocks in field order (resume, auth, extension)', async () => {
      const connection = await scripted.connect();
      connection.client
        .openSession({
          requestedSessionId: 3,
          sessionFlags: 1,
          resumeToken: Buffer.from('RR'),
          authBlock: Buffer.from('AAA'),
          sessionExtension: Buffer.from('E'),
        })
        .catch(() => undefined);
      const open = await connection.peer.expectPacket(MessageType.SessionOpen);
      const request = decodeSessionOpen(open.metadata);
      expect([request.resumeTokenBytes, request.authBytes, request.sessionExtensionBytes]).toEqual([
        2, 3, 1,
      ]);
      expect(open.body.toString()).toBe('RRAAAE');
    });

    it('rejects with kind rejected and the session error code of a rejecting ack', async () => {
      const connection = await scripted.connect();
      const pending = connection.client.openSession({ profileId: 9 });
      const open = await connection.peer.expectPacket(MessageType.SessionOpen);
      connection.peer.sendRaw(
        openAckPacket(decodeSessionOpen(open.metadata), {
          rejectWith: SessionErrorCode.ProfileUnsupported,
        }),
      );
      const error = await pending.catch((e: unknown) => e);
      expect(isNnrpClientError(error, 'rejected')).toBe(true);
      expect((error as NnrpClientError).sessionErrorCode).toBe(SessionErrorCode.ProfileUnsupported);
      expect(connection.client.sessions.size).toBe(0);
    });

    it('supports several sessions on one connection', async () => {
      const first = await openedSession(await scripted.connect(), 1);
      const second = await openedSession({ client: first.client, peer: first.peer }, 2);
      expect(first.client.sessions.get(2)).toBe(second.session);
    });
  });
});
