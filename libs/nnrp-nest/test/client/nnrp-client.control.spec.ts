import {
  decodeSessionClose,
  decodeSessionMigrate,
  decodeSessionPatch,
  decodeTransportProbe,
  encodePacket,
  ErrorCode,
  ErrorScope,
  HEADER_LEN,
  MessageType,
  PatchField,
  SessionCloseReason,
  SessionCloseStatus,
  TransportId,
} from '@nest-nnrp/protocol';
import { isNnrpClientError, NnrpClientError } from '../../src/client';
import { helloSession, openedSession, packetsHandled, useScriptedPeer } from './client-fixture';
import {
  closeAckPacket,
  errorPacket,
  migrateAckPacket,
  patchAckPacket,
  probeAckPacket,
  resultPacket,
} from './scripted-packets';

describe('NnrpClient control exchanges', () => {
  const scripted = useScriptedPeer();

  describe('SESSION_PATCH', () => {
    it('resolves with the ack, which is the next packet after the patch', async () => {
      const { session, peer, client } = await openedSession(await scripted.connect(), 8);
      const pending = session.patch({ patchMask: PatchField.QualityTier, qualityTier: 3 });
      const patch = await peer.expectPacket(MessageType.SessionPatch);
      expect(patch.header.sessionId).toBe(8);
      expect(decodeSessionPatch(patch.metadata)).toMatchObject({
        patchMask: PatchField.QualityTier,
        qualityTier: 3,
        profilePatchBytes: 0,
      });
      peer.sendRaw(patchAckPacket(8, PatchField.QualityTier));
      const ack = await pending;
      expect(ack.appliedPatchMask).toBe(PatchField.QualityTier);
      const timeline = session.timeline.map((r) => `${r.direction}:${r.messageType}`);
      expect(timeline.slice(-2)).toEqual([
        `out:${MessageType.SessionPatch}`,
        `in:${MessageType.SessionPatchAck}`,
      ]);
      expect(client.violations).toEqual([]);
    });

    it('records a packet of the session that arrives before the ack', async () => {
      const { session, peer, client } = await openedSession(await scripted.connect(), 8);
      const call = session.submit(Buffer.from('x'));
      const pending = session.patch({ profilePatch: Buffer.alloc(16) });
      await peer.expectPacket(MessageType.FrameSubmit);
      const patch = await peer.expectPacket(MessageType.SessionPatch);
      expect(decodeSessionPatch(patch.metadata).profilePatchBytes).toBe(16);
      peer.sendTogether([resultPacket(8, 1, 'early'), patchAckPacket(8, 0)]);
      await pending;
      await call.done;
      expect(session.received).toEqual([
        MessageType.SessionOpenAck,
        MessageType.ResultPush,
        MessageType.SessionPatchAck,
      ]);
      expect(client.violations.map((v) => [v.kind, v.messageType])).toEqual([
        ['ack-not-next', MessageType.ResultPush],
      ]);
    });

    it('records an ack nobody asked for', async () => {
      const { peer, client } = await openedSession(await scripted.connect(), 8);
      const handled = packetsHandled(client, 1);
      peer.sendRaw(patchAckPacket(8, 0));
      await handled;
      expect(client.violations.map((v) => v.kind)).toEqual(['unsolicited-ack']);
    });
  });

  it('migrates from the current transport with the last result as cursor', async () => {
    const { session, peer, client } = await openedSession(await scripted.connect(), 9);
    const call = session.submit(Buffer.from('x'));
    await peer.expectPacket(MessageType.FrameSubmit);
    peer.sendRaw(resultPacket(9, 1, 'done'));
    await call.done;
    const pending = session.migrate();
    const migrate = await peer.expectPacket(MessageType.SessionMigrate);
    const request = decodeSessionMigrate(migrate.metadata);
    expect(request).toMatchObject({
      oldTransportId: TransportId.Tcp,
      newTransportId: TransportId.Quic,
      lastResultFrameId: 1n,
    });
    peer.sendRaw(migrateAckPacket(9, request, 0n));
    const ack = await pending;
    expect(ack.resumeFromFrameId).toBe(0n);
    // The cursor moved behind the last result: validate_migration_recovery fails.
    expect(client.violations.map((v) => v.kind)).toEqual(['invalid-ack']);
  });

  describe('SESSION_CLOSE', () => {
    it('sends the Rust client fields and closes the session on a closed ack', async () => {
      const { session, peer, client } = await openedSession(await scripted.connect(), 12);
      const call = session.submit(Buffer.from('x'));
      await peer.expectPacket(MessageType.FrameSubmit);
      peer.sendRaw(resultPacket(12, 1, 'r'));
      await call.done;
      const pending = session.close();
      expect(session.state).toBe('closing');
      const close = await peer.expectPacket(MessageType.SessionClose);
      expect(decodeSessionClose(close.metadata)).toEqual({
        closeReason: SessionCloseReason.ClientShutdown,
        inFlightPolicy: 0,
        drainTimeoutMs: 0,
        lastOperationId: 1n,
        sessionErrorCode: 0,
        sessionCloseTag: 12,
      });
      peer.sendRaw(closeAckPacket(12, 1n));
      expect((await pending).closeStatus).toBe(SessionCloseStatus.Closed);
      expect(session.state).toBe('closed');
      expect(client.violations).toEqual([]);
      expect(() => session.submit(Buffer.alloc(0))).toThrow(NnrpClientError);
    });

    it('fails frames left unanswered by a closed ack and records them', async () => {
      const { session, peer, client } = await openedSession(await scripted.connect(), 12);
      const call = session.submit(Buffer.from('x'));
      const pending = session.close();
      await peer.expectPacket(MessageType.FrameSubmit);
      await peer.expectPacket(MessageType.SessionClose);
      peer.sendRaw(closeAckPacket(12, 1n));
      await pending;
      await expect(call.done).rejects.toMatchObject({ kind: 'closed' });
      expect(client.violations.map((v) => v.kind)).toEqual(['unanswered-frame']);
    });

    it('keeps the session open on a rejected ack', async () => {
      const { session, peer } = await openedSession(await scripted.connect(), 12);
      const pending = session.close();
      await peer.expectPacket(MessageType.SessionClose);
      peer.sendRaw(closeAckPacket(12, 0n, SessionCloseStatus.Rejected));
      await pending;
      expect(session.state).toBe('open');
    });
  });

  describe('PING / PONG', () => {
    it('answers the server PING with a PONG copying its ids', async () => {
      const { peer, client } = await helloSession(await scripted.connect(), 7);
      peer.sendRaw(
        encodePacket({ messageType: MessageType.Ping, sessionId: 7, frameId: 3, traceId: 5n }),
      );
      const pong = await peer.expectPacket(MessageType.Pong);
      expect(pong.header).toMatchObject({
        sessionId: 7,
        frameId: 3,
        traceId: 5n,
        metaLen: 0,
        bodyLen: 0,
      });
      expect(client.violations).toEqual([]);
    });

    it('records a PING sent to a SESSION_OPEN-flow client', async () => {
      const { peer, client } = await openedSession(await scripted.connect(), 1);
      peer.sendRaw(encodePacket({ messageType: MessageType.Ping }));
      await peer.expectPacket(MessageType.Pong);
      expect(client.violations.map((v) => v.kind)).toEqual(['forbidden-for-open-flow']);
    });

    it('measures the round trip of its own PING', async () => {
      const { peer, client } = await helloSession(await scripted.connect(), 7);
      const pending = client.ping();
      await peer.expectPacket(MessageType.Ping);
      peer.sendRaw(encodePacket({ messageType: MessageType.Pong }));
      expect(await pending).toBeGreaterThanOrEqual(0);
    });
  });

  it('probes before any handshake', async () => {
    const { peer, client } = await scripted.connect();
    const pending = client.probe(64);
    const probe = await peer.expectPacket(MessageType.TransportProbe);
    const metadata = decodeTransportProbe(probe.metadata);
    expect(metadata).toMatchObject({ probeId: 1, probePayloadBytes: 64 });
    expect(probe.body.toString()).toBe('P'.repeat(64));
    peer.sendRaw(probeAckPacket(1));
    const result = await pending;
    expect(result.ack.probeId).toBe(1);
    expect(result.rttMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps non-fatal ERRORs as records without failing anything', async () => {
    const { session, peer, client } = await helloSession(await scripted.connect(), 7);
    const errors: number[] = [];
    client.on('error', (error) => errors.push(error.metadata.errorCode));
    const handled = packetsHandled(client, 1);
    peer.sendRaw(
      errorPacket({ errorCode: ErrorCode.InvalidState, errorScope: ErrorScope.Frame }, 'unknown'),
    );
    await handled;
    expect(errors).toEqual([ErrorCode.InvalidState]);
    expect(client.errors[0].metadata.errorScope).toBe(ErrorScope.Frame);
    expect(session.state).toBe('open');
  });

  describe('connection close', () => {
    it('closes with a protocol error on an undecodable packet and rejects what is pending', async () => {
      const { session, peer, client } = await openedSession(await scripted.connect(), 2);
      const call = session.submit(Buffer.from('x'));
      const patch = session.patch();
      // RESULT_PUSH with a non-zero reserved0 byte: the metadata decoder refuses it.
      const bad = resultPacket(2, 1, 'x');
      bad[HEADER_LEN + 10] = 1;
      peer.sendRaw(bad);
      await client.closed;
      expect(client.closeReason?.kind).toBe('protocol');
      expect(client.closeReason?.message).toMatch(/reserved0/);
      await expect(call.done).rejects.toMatchObject({ kind: 'closed' });
      const error = await patch.catch((e: unknown) => e);
      expect(isNnrpClientError(error, 'closed')).toBe(true);
      expect((error as NnrpClientError).cause).toBe(client.closeReason);
    });

    it('closes on a bad header', async () => {
      const { peer, client } = await openedSession(await scripted.connect(), 2);
      peer.sendRaw(Buffer.alloc(HEADER_LEN, 0x41));
      await client.closed;
      expect(client.closeReason?.message).toMatch(/magic/);
    });

    it('sends CLOSE with the reason and rejects pending calls', async () => {
      const { session, peer, client } = await helloSession(await scripted.connect(), 7);
      const call = session.submit(Buffer.from('x'));
      const closing = client.closeConnection('bye');
      await peer.expectPacket(MessageType.FrameSubmit);
      const close = await peer.expectPacket(MessageType.Close);
      expect(close.header).toMatchObject({ sessionId: 0, metaLen: 0 });
      expect(close.body.toString()).toBe('bye');
      await closing;
      await expect(call.done).rejects.toMatchObject({ kind: 'closed' });
      expect(peer.clientEnded).toBe(true);
    });

    it('ends the connection when the server sends CLOSE', async () => {
      const { peer, client } = await helloSession(await scripted.connect(), 7);
      const ping = client.ping();
      await peer.expectPacket(MessageType.Ping);
      peer.sendRaw(
        encodePacket({ messageType: MessageType.Close }, undefined, Buffer.from('shutdown')),
      );
      await client.closed;
      await expect(ping).rejects.toMatchObject({ kind: 'closed', message: /shutdown/ });
    });

    it('carries the fatal ERROR code into the closed rejection', async () => {
      const { session, peer, client } = await helloSession(await scripted.connect(), 7);
      const call = session.submit(Buffer.from('x'));
      peer.sendRaw(errorPacket({ errorCode: ErrorCode.InternalError, isFatal: true }));
      peer.end();
      await client.closed;
      await expect(call.done).rejects.toMatchObject({
        kind: 'closed',
        errorCode: ErrorCode.InternalError,
      });
    });
  });
});
