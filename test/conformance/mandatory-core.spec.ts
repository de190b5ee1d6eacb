import {
  BackpressureLevel,
  ClientHelloMetadata,
  ControlExtensionType,
  decodeHeader,
  decodePacket,
  decodeResultPush,
  decodeSessionOpenAck,
  decodeTransportPolicyAckExtension,
  encodeClientHello,
  encodeHeader,
  encodePacket,
  ErrorCode,
  FlowFlag,
  FlowScopeKind,
  FlowUpdateReason,
  HEADER_LEN,
  HeaderFlag,
  MessageType,
  NnrpErrorKind,
  PacketHeader,
  PriorityClass,
  ResultClass,
  ResultFlag,
  SessionCloseStatus,
  SessionFlag,
  SessionStatus,
  TensorBodyView,
  TransportId,
  validateFlowUpdateRouting,
  validateServerHelloAgainstClientHello,
  validateSessionOpenAckRules,
} from '@nest-nnrp/protocol';
import { FrameOutcome, FrameResult } from '@nest-nnrp/nest';
import { CarrierMode } from '../support/carrier-mode';
import { connectClient } from '../support/nnrp-test-client';
import { Route } from './conformance-controller';
import {
  closePeers,
  ConformanceApp,
  errorsOf,
  nextFlowUpdate,
  helloSession,
  incrementedTiles,
  openSession,
  SAMPLE_TENSOR,
  serverSession,
  startConformanceApp,
  tensorSubmit,
  TOKEN,
  TOKEN_SESSION,
  tokenRoute,
  withApp,
} from './conformance-support';
import {
  decodeVector,
  expectVectorHolds,
  protocolErrorOf,
  vectorBytes,
  VECTORS_BY_CASE,
} from './conformance-vectors';
import { WirePeer } from './wire-peer';

// The mandatory core of the preview3 suite (cases/mandatory-core.json), plus its optional
// transport bring-ups and the experimental flow-control umbrella case.

/** The terminal RESULT_PUSH of an outcome (fails the test on a drop). */
function resultOf(outcome: FrameOutcome): FrameResult {
  if (outcome.kind !== 'result') throw new Error(`expected a result, got ${outcome.kind}`);
  return outcome;
}

/** Checks a tensor RESULT_PUSH answering SAMPLE_TENSOR through the tensor route. */
function expectTensorAnswer(result: FrameResult, layout: 'legacy' | 'composed'): void {
  const { metadata } = result;
  expect(metadata.payloadKindBitmap).toBe(0x1);
  expect(metadata.tileCount).toBe(4);
  expect(metadata.sectionCount).toBe(2);
  expect(metadata.coveredTileCount).toBe(4);
  expect(metadata.droppedTileCount).toBe(0);
  expect(metadata.resultClass).toBe(ResultClass.Complete);
  expect(metadata.resultFlags & ResultFlag.Partial).toBe(0);
  const view = TensorBodyView.ofResult(metadata, result.body, layout).validate();
  expect([...view.tileIds]).toEqual(SAMPLE_TENSOR.tileIds);
  expect(view.sections.map((s) => s.desc.roleId)).toEqual([1, 4]);
  view.sections.forEach((section, i) =>
    expect(section.tilePayloads().map((tile) => [...tile])).toEqual(incrementedTiles(i)),
  );
}

describe('mandatory core (cases/mandatory-core.json)', () => {
  let app: ConformanceApp;

  beforeAll(async () => {
    // resume_token_bytes 16: the reference opened_ack fixture's value.
    app = await startConformanceApp({ resumeTokenBytes: 16 });
  });
  afterEach(() => closePeers());
  afterAll(() => app.close());

  it('l0.header.roundtrip.basic: parses the reference header and re-emits every fixed-width field unchanged', () => {
    for (const name of VECTORS_BY_CASE['l0.header.roundtrip.basic']) expectVectorHolds(name);
    expect(decodeVector('l0.header.roundtrip.basic')).toEqual({
      messageType: MessageType.FlowUpdate,
      flags: 0,
      metaLen: 32,
      bodyLen: 0,
      sessionId: 42,
      frameId: 7,
      viewId: 0,
      routeId: 9,
      traceId: 0x1122334455667788n,
    });
    // Every field at its widest, for every message type: nothing is truncated or reordered.
    for (const messageType of Object.values(MessageType).filter(
      (value): value is MessageType => typeof value === 'number',
    )) {
      const header: PacketHeader = {
        messageType,
        flags: 0x3f,
        metaLen: 0xfffffff0,
        bodyLen: 0x0f,
        sessionId: 0xffffffff,
        frameId: 0xfffffffe,
        viewId: 0xffff,
        routeId: 0xfffe,
        traceId: 0xfedcba9876543210n,
      };
      const bytes = encodeHeader(header);
      expect(bytes.length).toBe(HEADER_LEN);
      expect(bytes.subarray(0, 8).toString('hex')).toBe(
        `4e4e52500100${messageType.toString(16).padStart(2, '0')}28`,
      );
      expect(decodeHeader(bytes)).toEqual(header);
      expect(encodeHeader(decodeHeader(bytes)).equals(bytes)).toBe(true);
    }
  });

  it('l0.header.invalid_length.reject: refuses a header_len other than 40 and packets whose declared lengths disagree with the bytes', () => {
    for (const name of VECTORS_BY_CASE['l0.header.invalid_length.reject']) expectVectorHolds(name);
    const ping = encodePacket({ messageType: MessageType.Ping });
    for (const headerLen of [0, 24, 39, 41, 0xff]) {
      const bad = Buffer.from(ping);
      bad[7] = headerLen;
      expect(protocolErrorOf(() => decodeHeader(bad))?.kind).toBe(
        NnrpErrorKind.InvalidHeaderLength,
      );
    }
    // The body length the header declares must be the body that follows.
    const declaresBody = Buffer.from(ping);
    declaresBody.writeUInt32LE(8, 16);
    expect(protocolErrorOf(() => decodePacket(declaresBody))?.kind).toBe(
      NnrpErrorKind.LengthMismatch,
    );
    const extraBody = Buffer.concat([ping, Buffer.alloc(3)]);
    expect(protocolErrorOf(() => decodePacket(extraBody))?.kind).toBe(NnrpErrorKind.LengthMismatch);
  });

  it('l1.handshake.basic: answers the reference CLIENT_HELLO fixture with a SERVER_HELLO_ACK that negotiates a subset of the offer', async () => {
    const hello = decodeVector('l1.handshake.basic.client_hello') as ClientHelloMetadata;
    const client = await connectClient(app);
    const session = await client.hello({ ...hello, authBlock: Buffer.alloc(hello.authBytes, 7) });
    // What went out is the fixture, byte for byte.
    expect(encodeClientHello(hello).equals(vectorBytes('l1.handshake.basic.client_hello'))).toBe(
      true,
    );
    const ack = session.helloAck!;
    expect(ack.header.messageType).toBe(MessageType.ServerHelloAck);
    expect(ack.header.flags).toBe(HeaderFlag.AckRequired);
    expect(ack.header.sessionId).toBe(ack.metadata.sessionId);
    expect(ack.metadata.sessionId).toBeGreaterThan(0);
    expect(ack.metadata.selectedVersionMajor).toBe(1);
    expect(ack.metadata.selectedWireFormat).toBe(0);
    expect(ack.metadata.authStatus).toBe(0);
    expect(() => validateServerHelloAgainstClientHello(ack.metadata, hello)).not.toThrow();
    expect(ack.metadata.acceptedProfileBitmap).toBe(0x1);
    expect(ack.metadata.acceptedPayloadKindBitmap).toBe(0x1);
    expect(ack.metadata.controlExtensionBytes).toBe(ack.header.bodyLen);
    const policy = ack.extensions.find(
      (e) => e.extType === ControlExtensionType.TransportPolicyAck,
    );
    expect(decodeTransportPolicyAckExtension(policy!.payload).activeTransportId).toBe(
      TransportId.Tcp,
    );
    // ACTIVE: the negotiated session serves frames.
    const outcome = resultOf(
      await session.submit(Buffer.from('hi'), { payloadKindBitmap: 1 }).done,
    );
    expect(outcome.body.toString()).toBe('hi');
    expect(client.violations).toEqual([]);
  });

  it('l1.handshake.basic: completes the SESSION_OPEN-first handshake of the Rust runtime with one SESSION_OPEN_ACK', async () => {
    const peer = await WirePeer.connect(app.port);
    const ack = await peer.open(TOKEN_SESSION);
    expect(ack.sessionStatus).toBe(SessionStatus.Opened);
    expect(peer.packets[0].header.sessionId).toBe(ack.sessionId);
    expect(peer.packets[0].header.metaLen).toBe(56);
    expect(() => validateSessionOpenAckRules(ack, { resumeTokenBytes: 0 })).not.toThrow();
    peer.submit(ack.sessionId, 1, { metadata: TOKEN, body: Buffer.from('x') });
    expect((await peer.expect(MessageType.ResultPush)).header.frameId).toBe(1);
  });

  it('l1.session.open_close: opens session 42, serves it, and answers the reference SESSION_CLOSE with the reference SESSION_CLOSE_ACK bytes', async () => {
    const peer = await WirePeer.connect(app.port);
    const request = {
      ...TOKEN_SESSION,
      requestedSessionId: 42,
      priorityClass: PriorityClass.Balanced,
      sessionFlags: SessionFlag.AllowResume,
    };
    const ack = await peer.open(request);
    // The reference opened_ack(42) fixture, but for the two server-chosen opaque values.
    const fixture = decodeSessionOpenAck(vectorBytes('l1.session.open_close.opened_ack'));
    expect({ ...ack, serverSessionTag: 0n, routeScopeId: 0 }).toEqual({
      ...fixture,
      serverSessionTag: 0n,
      routeScopeId: 0,
    });
    expect(serverSession(app, 42).state).toBe('open');
    for (let frameId = 1; frameId <= 7; frameId++) {
      peer.submit(42, frameId, { metadata: TOKEN, body: Buffer.from([frameId]) });
      const result = await peer.expect(MessageType.ResultPush);
      expect(result.header.frameId).toBe(frameId);
      expect([...result.body]).toEqual([frameId]);
    }
    peer.sendRaw(vectorBytes('l1.session.open_close.session_close_packet'));
    const closeAck = await peer.expect(MessageType.SessionCloseAck);
    expect(closeAck.bytes.toString('hex')).toBe(
      vectorBytes('l1.session.open_close.session_close_ack_packet').toString('hex'),
    );
    expect(app.engine.sessions.get(42)).toBeUndefined();
    // Closed is final: the id no longer names a session on this connection.
    peer.submit(42, 8, { metadata: TOKEN });
    await peer.closed;
    const [error] = errorsOf(peer.packets);
    expect(error).toMatchObject({ errorCode: ErrorCode.InvalidState, isFatal: true });
    expect(
      peer.packets.filter((p) => p.header.messageType === MessageType.ResultPush),
    ).toHaveLength(7);
  });

  it('l1.frame_submit.tensor.inline: accepts a minimum inline tensor submit (legacy layout) and returns a compatible tensor result', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const submit = tensorSubmit({ layout: 'legacy' });
    expect(submit.metadata).toMatchObject({
      submitMode: 0,
      payloadFrameCount: 0,
      objectRefMask: 0,
    });
    const call = session.submit(submit.body, { routeId: Route.tensor, metadata: submit.metadata });
    const result = resultOf(await call.done);
    expect(result.header).toMatchObject({
      messageType: MessageType.ResultPush,
      sessionId: session.id,
      frameId: call.frameId,
      metaLen: 64,
    });
    expectTensorAnswer(result, 'legacy');
    expect(client.violations).toEqual([]);
  });

  it('l1.flow_update.preview3: sheds a submit beyond the granted credit with RESULT_DROP and hard backpressure, then grants credit back', async () => {
    await withApp({ enforceCredit: true, grantedOperationCredit: 1 }, async (credit) => {
      const client = await connectClient(credit);
      const session = await openSession(client);
      expect(session.ack!.grantedOperationCredit).toBe(1);
      const held = session.submit(Buffer.alloc(0), tokenRoute(Route.park));
      await credit.probe.parked(session.id, held.frameId);
      const hard = nextFlowUpdate(session);
      const shed = await session.submit(Buffer.from('over'), TOKEN).done;
      expect(shed.kind).toBe('drop');
      const backpressure = await hard;
      expect(backpressure.header).toMatchObject({ sessionId: session.id, frameId: 0 });
      expect(backpressure.metadata).toMatchObject({
        scopeKind: FlowScopeKind.Session,
        updateReason: FlowUpdateReason.Congestion,
        backpressureLevel: BackpressureLevel.Hard,
        sessionCredit: 0,
        flowFlags: FlowFlag.CreditValid | FlowFlag.RetryAfterValid,
      });
      expect(backpressure.metadata.retryAfterMs).toBeGreaterThan(0);
      const grant = nextFlowUpdate(session);
      credit.probe.release(session.id, held.frameId);
      expect((await held.done).kind).toBe('result');
      const granted = await grant;
      expect(granted.metadata).toMatchObject({
        scopeKind: FlowScopeKind.Session,
        updateReason: FlowUpdateReason.Grant,
        backpressureLevel: BackpressureLevel.None,
        sessionCredit: 1,
        flowFlags: FlowFlag.CreditValid,
      });
      expect(granted.metadata.creditEpoch).toBeGreaterThan(backpressure.metadata.creditEpoch);
      for (const update of session.flowUpdates) {
        expect(() =>
          validateFlowUpdateRouting(update.header.sessionId, update.metadata, true),
        ).not.toThrow();
      }
      // The grant superseded the backpressure: new work is accepted again.
      expect((await session.submit(Buffer.from('again'), TOKEN).done).kind).toBe('result');
      expect(client.violations).toEqual([]);
    });
  });

  it('l3.transport.tcp.minimum: brings NNRP up over plain TCP (no TLS, no framing beyond the header) from open to connection CLOSE', async () => {
    const peer = await WirePeer.connect(app.port);
    const ack = await peer.open(TOKEN_SESSION);
    // Plain TCP: the first bytes on the wire are an NNRP header, not a TLS record.
    expect(peer.stream[0].subarray(0, 6).toString('hex')).toBe('4e4e52500100');
    const submit = tensorSubmit({ layout: 'legacy' });
    peer.submit(ack.sessionId, 1, { routeId: Route.tensor, ...submit });
    const result = await peer.expect(MessageType.ResultPush);
    expect(decodeResultPush(result.metadata).tileCount).toBe(4);
    peer.send(
      { messageType: MessageType.Close },
      undefined,
      Buffer.from('tcp minimum done', 'utf8'),
    );
    await peer.closed;
    await app.probe.closedSessions.wait(String(ack.sessionId));
    expect(app.engine.sessions.get(ack.sessionId)).toBeUndefined();
    expect(errorsOf(peer.packets)).toEqual([]);
  });
});

describe.each<CarrierMode>(['quic-bidi', 'quic-uni'])('QUIC bring-up over %s', (mode) => {
  let app: ConformanceApp;

  beforeAll(async () => {
    app = await startConformanceApp({}, mode);
  });
  afterEach(() => closePeers());
  afterAll(() => app.close());

  it('l3.transport.quic.minimum: handshakes both flows over QUIC (ALPN nnrp/1), serves a tensor frame and closes cleanly', async () => {
    const rust = await connectClient(app);
    const session = await openSession(rust);
    const submit = tensorSubmit({ layout: 'legacy' });
    const call = session.submit(submit.body, { routeId: Route.tensor, metadata: submit.metadata });
    expectTensorAnswer(resultOf(await call.done), 'legacy');
    const closed = await session.close();
    expect(closed.closeStatus).toBe(SessionCloseStatus.Closed);
    const python = await connectClient(app);
    const hello = await helloSession(python);
    const policy = hello.helloAck!.extensions.find(
      (e) => e.extType === ControlExtensionType.TransportPolicyAck,
    );
    expect(decodeTransportPolicyAckExtension(policy!.payload).activeTransportId).toBe(
      TransportId.Quic,
    );
    const echo = resultOf(await hello.submit(Buffer.from('quic'), { payloadKindBitmap: 1 }).done);
    expect(echo.body.toString()).toBe('quic');
    await python.closeConnection('done');
    expect(rust.violations).toEqual([]);
    expect(python.violations).toEqual([]);
    expect([...rust.errors, ...python.errors]).toEqual([]);
  });
});
