import {
  BackpressureLevel,
  ControlExtensionType,
  decodeControlExtensions,
  decodeFlowUpdate,
  decodeServerHelloAck,
  decodeSessionCloseAck,
  encodeClientHello,
  encodeFlowUpdate,
  encodePacket,
  encodeSessionClose,
  encodeSessionOpen,
  ErrorCode,
  ErrorScope,
  FlowFlag,
  FlowScopeKind,
  FlowUpdateMetadata,
  FlowUpdateReason,
  HeaderFlag,
  InFlightPolicy,
  MessageType,
  PriorityClass,
  SessionCloseStatus,
  SessionErrorCode,
  SessionFlag,
  SessionFlagAck,
  SessionOpenAckMetadata,
  SessionOpenMetadata,
  SessionStatus,
  validateFlowUpdateRouting,
  validateSessionOpenAckRules,
} from '@nest-nnrp/protocol';
import {
  DEFAULT_CLIENT_HELLO,
  DEFAULT_SESSION_OPEN,
  NnrpAuthRejection,
  NnrpAuthRequest,
  NnrpClient,
} from '@nest-nnrp/nest';
import { ScriptedPeer } from '../../libs/nnrp-nest/test/client/scripted-peer';
import { connectClient } from '../support/nnrp-test-client';
import { frameKey, Route } from './conformance-controller';
import {
  closePeers,
  ConformanceApp,
  errorsOf,
  fatalErrorFor,
  nextClientEvent,
  nextFlowUpdate,
  openSession,
  patched,
  serverSession,
  startConformanceApp,
  TOKEN,
  TOKEN_SESSION,
  tokenRoute,
  withApp,
} from './conformance-support';
import { vectorBytes } from './conformance-vectors';
import { freshSessionId } from './session-ids';
import { EVENT_TIMEOUT_MS } from './signals';
import { WirePacket, WirePeer } from './wire-peer';

// L1 control plane (cases/l1-control-plane.json) over real TCP connections: handshake,
// SESSION_OPEN / _ACK / CLOSE semantics, FLOW_UPDATE routing in both directions, resume.

const ECHO_TOKEN = { metadata: TOKEN, body: Buffer.from('echo') };

/** A FLOW_UPDATE packet from the client side. */
function flowUpdatePacket(sessionId: number, update: Partial<FlowUpdateMetadata>): Buffer {
  return encodePacket(
    { messageType: MessageType.FlowUpdate, sessionId },
    encodeFlowUpdate({
      scopeKind: FlowScopeKind.Session,
      updateReason: FlowUpdateReason.Grant,
      backpressureLevel: BackpressureLevel.None,
      connectionCredit: 0,
      sessionCredit: 0,
      operationCredit: 0,
      operationId: 0n,
      retryAfterMs: 0,
      creditEpoch: 1,
      flowFlags: FlowFlag.CreditValid,
      ...update,
    }),
  );
}

/** The connection is still served: a PING gets its PONG and nothing else came before it. */
async function expectAlive(peer: WirePeer): Promise<void> {
  peer.send({ messageType: MessageType.Ping, traceId: 77n });
  const pong = await peer.expect(MessageType.Pong);
  expect(pong.header.traceId).toBe(77n);
}

/** A rejected SESSION_OPEN_ACK as the reference shapes it (control-plane.md §8.9). */
function expectRejectedAck(packet: WirePacket, ack: SessionOpenAckMetadata, code: number): void {
  expect(packet.header.sessionId).toBe(0);
  expect(ack).toMatchObject({
    sessionId: 0,
    sessionStatus: SessionStatus.Rejected,
    sessionErrorCode: code,
    serverSessionTag: 0n,
    sessionFlagsAck: 0,
    resumeTokenBytes: 0,
  });
}

/**
 * A scripted server that answers an NnrpClient's SESSION_OPEN with the reference opened ack
 * (session 42), for the client-side routing cases.
 */
async function scriptedOpen() {
  const server = await ScriptedPeer.start();
  const client = await NnrpClient.connect(server.target);
  const connection = await server.nextConnection();
  const opening = client.openSession(TOKEN_SESSION);
  await connection.expectPacket(MessageType.SessionOpen);
  connection.send(
    { messageType: MessageType.SessionOpenAck, sessionId: 42 },
    vectorBytes('preview3.metadata.session_open_ack.opened'),
  );
  const session = await opening;
  const stop = async (): Promise<void> => {
    await client.destroy();
    await server.stop();
  };
  return { client, connection, session, stop };
}

describe('L1 control plane (cases/l1-control-plane.json)', () => {
  let app: ConformanceApp;

  beforeAll(async () => {
    app = await startConformanceApp();
  });
  afterEach(() => closePeers());
  afterAll(() => app.close());

  it('l1.handshake.capability_window.validation: accepts a window that contains NNRP/1 and answers with version_major 1 / wire_format 0 on every packet', async () => {
    const peer = await WirePeer.connect(app.port);
    const id = await peer.hello({
      minVersionMajor: 1,
      maxVersionMajor: 3,
      supportedWireFormatBitmap: 0b11,
    });
    const ack = decodeServerHelloAck(peer.packets[0].metadata);
    expect(ack).toMatchObject({ selectedVersionMajor: 1, selectedWireFormat: 0, sessionId: id });
    // No preview-only marker anywhere: the ack body holds the transport-policy ack alone.
    expect(decodeControlExtensions(peer.packets[0].body).map((entry) => entry.extType)).toEqual([
      ControlExtensionType.TransportPolicyAck,
    ]);
    peer.submit(id, 1, { metadata: { payloadKindBitmap: 1 }, body: Buffer.from('w') });
    await peer.expect(MessageType.ResultPush);
    await expectAlive(peer);
    for (const packet of peer.packets) {
      expect(packet.bytes.subarray(0, 8).toString('hex')).toMatch(/^4e4e52500100..28$/);
    }
  });

  it('l1.handshake.capability_window.validation: refuses a CLIENT_HELLO whose window lacks NNRP/1, wire format 0, a profile or a payload kind', async () => {
    const valid = encodeClientHello({
      ...DEFAULT_CLIENT_HELLO,
      authBytes: 0,
      controlExtensionBytes: 0,
    });
    const broken: ((metadata: Buffer) => void)[] = [
      (m) => m.set([2, 3], 0), // window above 1
      (m) => m.set([0, 0], 0), // window below 1
      (m) => m.set([1, 0], 0), // unordered window
      (m) => m.writeUInt16LE(0b10, 2), // no wire format 0
      (m) => m.writeUInt32LE(0, 4), // no profile
      (m) => m.writeUInt32LE(0, 8), // no payload kind
    ];
    for (const edit of broken) {
      const hello = encodePacket(
        { messageType: MessageType.ClientHello, flags: HeaderFlag.AckRequired },
        patched(valid, edit),
      );
      const { error } = await fatalErrorFor(app, () => hello);
      expect(error.errorCode).toBe(ErrorCode.UnsupportedVersion);
    }
  });

  it('l1.session.open.fixed_metadata.validation: binds the default schema context of SESSION_OPEN to the session and refuses an unregistered 0/0 context', async () => {
    const client = await connectClient(app);
    const session = await openSession(client, { priorityClass: PriorityClass.Balanced });
    expect(session.ack).toMatchObject({
      acceptedProfileId: 2,
      schemaId: 0x1001,
      schemaVersion: 3,
      acceptedPriorityClass: PriorityClass.Balanced,
    });
    const call = session.submit(Buffer.alloc(0), tokenRoute(Route.park));
    const ctx = await app.probe.parked(session.id, call.frameId);
    expect(ctx.session).toMatchObject({
      id: session.id,
      flow: 'open',
      profileId: 2,
      schemaId: 0x1001,
      schemaVersion: 3,
    });
    app.probe.release(session.id, call.frameId);
    await call.done;
    const peer = await WirePeer.connect(app.port);
    const refused = await peer.open({ ...TOKEN_SESSION, schemaId: 0, schemaVersion: 0 });
    expectRejectedAck(peer.packets[0], refused, SessionErrorCode.SchemaUnsupported);
  });

  it('l1.session.open.fixed_metadata.validation: reads the resume, auth and extension blocks in field order and never requires the declared blocks', async () => {
    const seen: NnrpAuthRequest[] = [];
    const auth = {
      authorize: (request: NnrpAuthRequest) => {
        seen.push(request);
        return 'principal';
      },
    };
    await withApp({ auth }, async (authApp) => {
      const declared = { ...TOKEN_SESSION, authBytes: 32, sessionExtensionBytes: 8 };
      // Rust clients declare blocks and send none: still opened.
      const { ack: bare } = await WirePeer.openOn(authApp.port, declared);
      expect(bare.sessionStatus).toBe(SessionStatus.Opened);
      expect(seen[0].authBlock.length).toBe(0);
      const blocks = Buffer.concat([Buffer.alloc(32, 'A'), Buffer.alloc(8, 'E')]);
      const { ack: sent } = await WirePeer.openOn(authApp.port, declared, blocks);
      expect(sent.sessionStatus).toBe(SessionStatus.Opened);
      expect(seen[1].authBlock.toString()).toBe('A'.repeat(32));
      const resumeFirst = Buffer.concat([Buffer.alloc(16, 'R'), blocks]);
      const { ack: resume } = await WirePeer.openOn(
        authApp.port,
        { ...declared, sessionFlags: SessionFlag.AllowResume, resumeTokenBytes: 16 },
        resumeFirst,
      );
      expect(seen[2].authBlock.toString()).toBe('A'.repeat(32));
      // Nothing to resume under that id: the auth block was still found after the token.
      expect(resume.sessionErrorCode).toBe(SessionErrorCode.ResumeRejected);
    });
  });

  it('l1.session.open.fixed_metadata.validation: closes the connection with a fatal ERROR on reserved fields, flags outside 0x0f, unknown enums or short metadata', async () => {
    const valid = encodeSessionOpen({ ...DEFAULT_SESSION_OPEN, ...TOKEN_SESSION });
    const broken: Buffer[] = [
      patched(valid, (m) => m.writeUInt16LE(1, 22)), // reserved0
      patched(valid, (m) => (m[7] = 0x10)), // session_flags outside 0x0f
      patched(valid, (m) => (m[6] = 3)), // unknown priority class
      valid.subarray(0, 40), // shorter than 48
    ];
    for (const metadata of broken) {
      const open = encodePacket({ messageType: MessageType.SessionOpen }, metadata);
      const { error } = await fatalErrorFor(app, () => open);
      expect(error.errorCode).toBe(ErrorCode.MalformedBody);
    }
    // Metadata longer than 48 bytes is accepted (the reference parses `meta >= 48`).
    const longer = await WirePeer.connect(app.port);
    longer.send(
      { messageType: MessageType.SessionOpen },
      Buffer.concat([
        encodeSessionOpen({
          ...DEFAULT_SESSION_OPEN,
          ...TOKEN_SESSION,
          requestedSessionId: freshSessionId(),
        }),
        Buffer.alloc(8),
      ]),
    );
    expect((await longer.expect(MessageType.SessionOpenAck)).metadata.readUInt8(7)).toBe(
      SessionStatus.Opened,
    );
  });

  it('l1.session.open_ack.fixed_metadata.validation: grants the configured credits and windows, confirms only the flags it grants, and satisfies the client acceptance rules', async () => {
    const options = {
      grantedOperationCredit: 3,
      leaseTtlMs: 15000,
      resumeWindowMs: 60000,
      resumeTokenBytes: 24,
    };
    await withApp(options, async (ackApp) => {
      const peer = await WirePeer.connect(ackApp.port);
      const request: Partial<SessionOpenMetadata> = {
        ...TOKEN_SESSION,
        requestedSessionId: freshSessionId(),
        priorityClass: PriorityClass.Background,
        sessionFlags: 0x0f,
      };
      const ack = await peer.open(request);
      expect(peer.packets[0].header).toMatchObject({
        sessionId: request.requestedSessionId,
        metaLen: 56,
        bodyLen: 0,
      });
      expect(ack).toEqual({
        sessionId: request.requestedSessionId,
        acceptedProfileId: 2,
        acceptedPriorityClass: PriorityClass.Background,
        sessionStatus: SessionStatus.Opened,
        schemaId: 0x1001,
        schemaVersion: 3,
        grantedOperationCredit: 3,
        maxInFlightOperations: 4,
        leaseTtlMs: 15000,
        resumeWindowMs: 60000,
        resumeTokenBytes: 24,
        sessionExtensionBytes: 0,
        serverSessionTag: BigInt(request.requestedSessionId!),
        routeScopeId: 0,
        sessionErrorCode: 0,
        // Downgrade: of the four requested bits only resume is granted; nothing unrequested.
        sessionFlagsAck: SessionFlagAck.ResumeEnabled,
      });
      expect(() => validateSessionOpenAckRules(ack, { resumeTokenBytes: 0 })).not.toThrow();
      const noResume = await peer.open({ ...TOKEN_SESSION, sessionFlags: 0x0e });
      expect(noResume).toMatchObject({ sessionFlagsAck: 0, resumeTokenBytes: 0 });
    });
  });

  it('l1.session.open_ack.fixed_metadata.validation: reports each refusal with its stable session_error_code, session id 0 and no ERROR packet', async () => {
    const auth = {
      authorize: (request: NnrpAuthRequest) => {
        const who = request.authBlock.toString();
        if (who === 'lease') throw new NnrpAuthRejection(SessionErrorCode.LeasePolicyRejected);
        return who !== 'deny';
      },
    };
    await withApp({ auth }, async (authApp) => {
      const live = freshSessionId();
      await WirePeer.openOn(authApp.port, { ...TOKEN_SESSION, requestedSessionId: live });
      const refusals: [Partial<SessionOpenMetadata>, string, number][] = [
        [{ profileId: 9 }, '', SessionErrorCode.ProfileUnsupported],
        [{ schemaId: 0x7777 }, '', SessionErrorCode.SchemaUnsupported],
        [{ profileId: 9, schemaId: 0x7777 }, '', SessionErrorCode.ProfileUnsupported],
        [{ maxInFlightOperations: 99 }, '', SessionErrorCode.LimitReached],
        [{ requestedSessionId: live }, '', SessionErrorCode.LimitReached],
        [{}, 'deny', SessionErrorCode.AuthFailed],
        [{}, 'lease', SessionErrorCode.LeasePolicyRejected],
      ];
      for (const [overrides, who, code] of refusals) {
        const { peer, ack } = await WirePeer.openOn(
          authApp.port,
          { ...TOKEN_SESSION, authBytes: who.length, ...overrides },
          Buffer.from(who),
        );
        expectRejectedAck(peer.packets[0], ack, code);
        // The first session failing closes the connection, with no ERROR (decisions.md §9).
        await peer.closed;
        expect(peer.packets.map((p) => p.header.messageType)).toEqual([MessageType.SessionOpenAck]);
      }
    });
  });

  it('l1.session.close.state_machine.validation: drains in flight, refuses new frames and a second close while closing, then acks closed with the waterline', async () => {
    const peer = await WirePeer.connect(app.port);
    const id = await peer.hello();
    peer.submit(id, 1, { routeId: Route.park, metadata: { payloadKindBitmap: 1 } });
    await app.probe.parked(id, 1);
    const close = encodeSessionClose({
      closeReason: 1,
      inFlightPolicy: InFlightPolicy.Drain,
      drainTimeoutMs: 5000,
      lastOperationId: 1n,
      sessionErrorCode: 0,
      sessionCloseTag: id,
    });
    peer.send({ messageType: MessageType.SessionClose, sessionId: id }, close);
    peer.submit(id, 2, { metadata: { payloadKindBitmap: 1 } });
    expect((await peer.expect(MessageType.ResultDrop)).header.frameId).toBe(2);
    expect(serverSession(app, id).state).toBe('closing');
    expect(app.probe.invoked).not.toContain(frameKey(id, 2));
    peer.send({ messageType: MessageType.SessionClose, sessionId: id }, close);
    const rejected = await peer.expect(MessageType.SessionCloseAck);
    expect(decodeSessionCloseAck(rejected.metadata).closeStatus).toBe(SessionCloseStatus.Rejected);
    app.probe.release(id, 1, 'drained');
    const drained = await peer.expect(MessageType.ResultPush);
    expect([drained.header.frameId, drained.body.toString()]).toEqual([1, 'drained']);
    const closed = await peer.expect(MessageType.SessionCloseAck);
    expect(closed.header).toMatchObject({ sessionId: id, frameId: 0, metaLen: 16, bodyLen: 0 });
    expect(decodeSessionCloseAck(closed.metadata)).toEqual({
      closeStatus: SessionCloseStatus.Closed,
      lastOperationId: 1n,
      sessionErrorCode: 0,
    });
    await app.probe.closedSessions.wait(String(id));
    // Closed is final for the session, not for the connection.
    peer.submit(id, 3, { metadata: { payloadKindBitmap: 1 } });
    const [unknown] = errorsOf([await peer.expect(MessageType.Error)]);
    expect(unknown).toMatchObject({
      errorCode: ErrorCode.InvalidState,
      errorScope: ErrorScope.Session,
      isFatal: false,
      relatedSessionId: id,
      relatedFrameId: 3,
    });
    await expectAlive(peer);
  });

  it('l1.session.close.state_machine.validation: an abort close of a SESSION_OPEN session is acked as the very next packet and its aborted frames get nothing after it', async () => {
    const peer = await WirePeer.connect(app.port);
    const a = (await peer.open(TOKEN_SESSION)).sessionId;
    const b = (await peer.open(TOKEN_SESSION)).sessionId;
    peer.submit(a, 1, { routeId: Route.park, metadata: TOKEN });
    await app.probe.parked(a, 1);
    peer.send(
      { messageType: MessageType.SessionClose, sessionId: a },
      encodeSessionClose({
        closeReason: 1,
        inFlightPolicy: InFlightPolicy.Abort,
        drainTimeoutMs: 0,
        lastOperationId: 1n,
        sessionErrorCode: 0,
        sessionCloseTag: a,
      }),
    );
    const ack = await peer.expect(MessageType.SessionCloseAck);
    expect(ack.header.sessionId).toBe(a);
    expect(decodeSessionCloseAck(ack.metadata).closeStatus).toBe(SessionCloseStatus.Closed);
    await app.probe.aborted.wait(frameKey(a, 1));
    peer.submit(b, 1, ECHO_TOKEN);
    const next = await peer.expect(MessageType.ResultPush);
    expect(next.header.sessionId).toBe(b);
  });

  it('l1.session.close.state_machine.validation: a drain close of a SESSION_OPEN session is still acked before any other packet of it', async () => {
    const client = await connectClient(app);
    const closing = await openSession(client);
    const sibling = await openSession(client);
    const call = closing.submit(Buffer.alloc(0), tokenRoute(Route.park));
    await app.probe.parked(closing.id, call.frameId);
    const acked = closing.close({ drainTimeoutMs: 5000 });
    // Packets are handled in order: the sibling's answer means the close is being drained.
    expect((await sibling.submit(Buffer.from('s'), TOKEN).done).kind).toBe('result');
    app.probe.release(closing.id, call.frameId, 'drained');
    expect((await acked).closeStatus).toBe(SessionCloseStatus.Closed);
    // decisions.md §10: after SESSION_CLOSE the ack is the session's next packet.
    expect(closing.received.slice(0, 2)).toEqual([
      MessageType.SessionOpenAck,
      MessageType.SessionCloseAck,
    ]);
    expect(client.violations.filter((v) => v.kind === 'ack-not-next')).toEqual([]);
  });

  it('l1.flow_update.connection.scope.validation: takes a connection-scope update (session 0, connection credit only) without touching any session', async () => {
    await withApp({ enforceCredit: true, grantedOperationCredit: 2 }, async (creditApp) => {
      const peer = await WirePeer.connect(creditApp.port);
      const id = (await peer.open(TOKEN_SESSION)).sessionId;
      peer.sendRaw(vectorBytes('preview3.packet.flow_update.connection_grant'));
      await expectAlive(peer);
      expect(serverSession(creditApp, id).credit?.available).toBe(2);
      peer.submit(id, 1, ECHO_TOKEN);
      await peer.expect(MessageType.ResultPush);
      expect(errorsOf(peer.packets)).toEqual([]);
      // The only flow updates are the session's own grants, still counting its own credit.
      const updates = peer.packets.filter((p) => p.header.messageType === MessageType.FlowUpdate);
      for (const update of updates) {
        expect(update.header.sessionId).toBe(id);
        expect(decodeFlowUpdate(update.metadata)).toMatchObject({
          scopeKind: FlowScopeKind.Session,
          connectionCredit: 0,
          sessionCredit: 2,
        });
      }
    });
    for (const leak of [
      (id: number) => flowUpdatePacket(id, { scopeKind: FlowScopeKind.Connection }),
      () => flowUpdatePacket(0, { scopeKind: FlowScopeKind.Connection, sessionCredit: 1 }),
      () => flowUpdatePacket(0, { scopeKind: FlowScopeKind.Connection, operationId: 3n }),
    ]) {
      expect((await fatalErrorFor(app, leak, 'hello')).error.errorCode).toBe(
        ErrorCode.MalformedBody,
      );
    }
  });

  it('l1.flow_update.connection.scope.validation: the client routes a connection-scope update to the connection, not to a session', async () => {
    const { client, connection, session, stop } = await scriptedOpen();
    try {
      const arrived = nextClientEvent(client, 'flowUpdate');
      connection.sendRaw(vectorBytes('preview3.packet.flow_update.connection_grant'));
      expect((await arrived).metadata.connectionCredit).toBe(6);
      expect(client.flowUpdates).toHaveLength(1);
      expect(session.flowUpdates).toEqual([]);
      expect(client.violations).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('l1.flow_update.session.scope.validation: backpressure is sent to the overloaded session only, routed by its session id with no other scope set', async () => {
    await withApp({ profile: { maxInFlightPerSession: 1 } }, async (small) => {
      const client = await connectClient(small);
      const a = await openSession(client);
      const b = await openSession(client);
      const held = a.submit(Buffer.alloc(0), tokenRoute(Route.park));
      await small.probe.parked(a.id, held.frameId);
      const update = nextFlowUpdate(a);
      expect((await a.submit(Buffer.alloc(0), TOKEN).done).kind).toBe('drop');
      const { header, metadata } = await update;
      expect(header).toMatchObject({ sessionId: a.id, frameId: 0, bodyLen: 0, metaLen: 32 });
      expect(metadata).toMatchObject({
        scopeKind: FlowScopeKind.Session,
        connectionCredit: 0,
        operationCredit: 0,
        operationId: 0n,
        updateReason: FlowUpdateReason.Congestion,
        backpressureLevel: BackpressureLevel.Hard,
      });
      expect(() => validateFlowUpdateRouting(header.sessionId, metadata, true)).not.toThrow();
      expect((await b.submit(Buffer.from('b'), TOKEN).done).kind).toBe('result');
      expect(b.flowUpdates).toEqual([]);
      expect(client.flowUpdates).toEqual([]);
      small.probe.release(a.id, held.frameId);
      expect((await held.done).kind).toBe('result');
    });
  });

  it('l1.flow_update.session.scope.validation: a client session-scope update must name its session (header session_id 0 is connection-fatal)', async () => {
    const peer = await WirePeer.connect(app.port);
    const id = await peer.hello();
    peer.sendRaw(flowUpdatePacket(id, { sessionCredit: 3, creditEpoch: 1 }));
    await expectAlive(peer);
    const { error } = await fatalErrorFor(
      app,
      () => vectorBytes('neg.flow_update.session_scope_without_session'),
      'hello',
    );
    expect(error.errorCode).toBe(ErrorCode.MalformedBody);
  });

  it('l1.flow_update.session.scope.validation: the client delivers a session-scope update to the session it names and flags an unknown one', async () => {
    const { client, connection, session, stop } = await scriptedOpen();
    try {
      const arrived = nextFlowUpdate(session);
      connection.sendRaw(vectorBytes('preview3.packet.flow_update.session_hard'));
      expect((await arrived).metadata).toMatchObject({ sessionCredit: 2, backpressureLevel: 2 });
      expect(client.flowUpdates).toEqual([]);
      const violation = nextClientEvent(client, 'violation');
      connection.sendRaw(flowUpdatePacket(43, { sessionCredit: 1 }));
      expect(await violation).toMatchObject({ kind: 'unknown-session', sessionId: 43 });
      expect(session.flowUpdates).toHaveLength(1);
    } finally {
      await stop();
    }
  });

  it('l1.flow_update.session.scope.validation: refuses a session-scope update naming a session of another connection', async () => {
    const owner = await WirePeer.connect(app.port);
    const foreign = await owner.hello();
    const peer = await WirePeer.connect(app.port);
    await peer.hello();
    peer.sendRaw(flowUpdatePacket(foreign, { backpressureLevel: BackpressureLevel.Hard }));
    peer.send({ messageType: MessageType.Ping });
    // Packets are handled in order: the refusal must come before the PONG.
    const first = await peer.next();
    expect(first.header.messageType).toBe(MessageType.Error);
    expect(errorsOf([first])[0]).toMatchObject({
      errorCode: ErrorCode.InvalidState,
      errorScope: ErrorScope.Session,
      relatedSessionId: foreign,
    });
  });

  it('l1.flow_update.operation.scope.validation: takes an operation-scope pause bound to one operation; the targeted and the other operations both complete', async () => {
    const peer = await WirePeer.connect(app.port);
    const id = await peer.hello();
    for (const frameId of [1, 2]) {
      peer.submit(id, frameId, { routeId: Route.park, metadata: { payloadKindBitmap: 1 } });
      await app.probe.parked(id, frameId);
    }
    peer.sendRaw(
      flowUpdatePacket(id, {
        scopeKind: FlowScopeKind.Operation,
        updateReason: FlowUpdateReason.Pause,
        backpressureLevel: BackpressureLevel.Hard,
        operationCredit: 1,
        operationId: 1n,
        retryAfterMs: 250,
        flowFlags: FlowFlag.CreditValid | FlowFlag.RetryAfterValid | FlowFlag.DrainInFlightOnly,
      }),
    );
    await expectAlive(peer);
    expect(app.probe.aborted.fired(frameKey(id, 1))).toBe(false);
    for (const frameId of [2, 1]) {
      app.probe.release(id, frameId, `done ${frameId}`);
      const result = await peer.expect(MessageType.ResultPush);
      expect([result.header.frameId, result.body.toString()]).toEqual([frameId, `done ${frameId}`]);
    }
    for (const bad of [
      (sid: number) =>
        flowUpdatePacket(sid, { scopeKind: FlowScopeKind.Operation, operationId: 0n }),
      (sid: number) =>
        flowUpdatePacket(sid, {
          scopeKind: FlowScopeKind.Operation,
          operationId: 1n,
          retryAfterMs: 5,
        }),
    ]) {
      expect((await fatalErrorFor(app, bad, 'hello')).error.errorCode).toBe(
        ErrorCode.MalformedBody,
      );
    }
  });

  it('l1.flow_update.operation.scope.validation: the client delivers an operation-scope update to the owning session with its operation id', async () => {
    const { client, connection, session, stop } = await scriptedOpen();
    try {
      const arrived = nextFlowUpdate(session);
      connection.sendRaw(vectorBytes('preview3.packet.flow_update.operation_pause'));
      expect((await arrived).metadata).toMatchObject({
        scopeKind: FlowScopeKind.Operation,
        operationId: 4660n,
        operationCredit: 1,
        flowFlags: 0x0b,
      });
      expect(client.flowUpdates).toEqual([]);
      expect(client.violations).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('l1.flow_update.credit_epoch.monotonicity.validation: epochs rise strictly per session scope and the newest update supersedes hard backpressure', async () => {
    await withApp({ enforceCredit: true, grantedOperationCredit: 1 }, async (creditApp) => {
      const client = await connectClient(creditApp);
      const a = await openSession(client);
      const b = await openSession(client);
      for (let round = 0; round < 3; round++) {
        const held = a.submit(Buffer.alloc(0), tokenRoute(Route.park));
        await creditApp.probe.parked(a.id, held.frameId);
        const hard = nextFlowUpdate(a);
        expect((await a.submit(Buffer.alloc(0), TOKEN).done).kind).toBe('drop');
        expect((await hard).metadata.backpressureLevel).toBe(BackpressureLevel.Hard);
        const grant = nextFlowUpdate(a);
        creditApp.probe.release(a.id, held.frameId);
        expect((await grant).metadata.backpressureLevel).toBe(BackpressureLevel.None);
      }
      const epochs = a.flowUpdates.map((update) => update.metadata.creditEpoch);
      expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
      // The latest (grant) supersedes the earlier hard backpressure: work is accepted again.
      expect((await a.submit(Buffer.from('ok'), TOKEN).done).kind).toBe('result');
      // Session B is its own scope: its first update starts its own sequence.
      const held = b.submit(Buffer.alloc(0), tokenRoute(Route.park));
      await creditApp.probe.parked(b.id, held.frameId);
      const first = nextFlowUpdate(b);
      await b.submit(Buffer.alloc(0), TOKEN).done;
      expect((await first).metadata.creditEpoch).toBe(1);
      creditApp.probe.release(b.id, held.frameId);
      await held.done;
    });
  });

  it('l1.flow_update.credit_epoch.monotonicity.validation: stale or repeated client epochs are ignored, never an error', async () => {
    const peer = await WirePeer.connect(app.port);
    const id = await peer.hello();
    for (const creditEpoch of [5, 3, 5, 6, 1]) {
      peer.sendRaw(flowUpdatePacket(id, { sessionCredit: creditEpoch, creditEpoch }));
    }
    await expectAlive(peer);
    peer.submit(id, 1, { metadata: { payloadKindBitmap: 1 } });
    await peer.expect(MessageType.ResultPush);
    expect(errorsOf(peer.packets)).toEqual([]);
  });

  it('l1.session.resume.from_operation.validation: resumes by id from the operation waterline: answered ids stay consumed, an unanswered one may be replayed, no frame object survives', async () => {
    await withApp({ resumeWindowMs: 30_000 }, async (resumeApp) => {
      const id = freshSessionId();
      const first = await connectClient(resumeApp);
      const original = await openSession(first, {
        requestedSessionId: id,
        sessionFlags: SessionFlag.AllowResume,
      });
      for (const frameId of [1, 2]) {
        const outcome = await original.submit(Buffer.from(`f${frameId}`), { ...TOKEN, frameId })
          .done;
        expect(outcome.kind).toBe('result');
      }
      original.submit(Buffer.alloc(0), tokenRoute(Route.park, { frameId: 3 }));
      await resumeApp.probe.parked(id, 3);
      await first.destroy();
      // The in-flight frame dies with its connection: its handler is aborted.
      await resumeApp.probe.aborted.wait(frameKey(id, 3));
      expect(resumeApp.engine.sessions.getDetached(id)).toBeDefined();
      const second = await connectClient(resumeApp);
      const resumed = await openSession(second, {
        requestedSessionId: id,
        sessionFlags: SessionFlag.AllowResume,
        resumeTokenBytes: 24,
      });
      expect(resumed.ack).toMatchObject({
        sessionId: id,
        sessionStatus: SessionStatus.Resumed,
        sessionErrorCode: 0,
        sessionFlagsAck: SessionFlagAck.ResumeEnabled,
      });
      expect(() =>
        validateSessionOpenAckRules(resumed.ack!, { resumeTokenBytes: 24 }),
      ).not.toThrow();
      const replayed = (frameId: number, body: string) =>
        resumed.submit(Buffer.from(body), { ...TOKEN, frameId }).done;
      expect((await replayed(1, 'again')).kind).toBe('drop');
      const three = await replayed(3, 'replay');
      expect(three.kind === 'result' && three.body.toString()).toBe('replay');
      const four = await replayed(4, 'next');
      expect(four.kind === 'result' && four.body.toString()).toBe('next');
      expect(serverSession(resumeApp, id).lastOperationId).toBe(4);
      const closed = await resumed.close();
      expect(closed).toMatchObject({ closeStatus: SessionCloseStatus.Closed, lastOperationId: 4n });
    });
  });

  it('l1.session.resume.rejected.validation: answers invalid, expired, unauthorized, incompatible and malformed resumes with resume_rejected and nothing else', async () => {
    const auth = {
      authorize: (request: NnrpAuthRequest) => request.authBlock.toString() || undefined,
    };
    await withApp({ auth, resumeWindowMs: 30_000 }, async (resumeApp) => {
      const resumable = { ...TOKEN_SESSION, sessionFlags: SessionFlag.AllowResume };
      const openAs = (who: string, overrides: Partial<SessionOpenMetadata>) =>
        WirePeer.openOn(
          resumeApp.port,
          { ...resumable, authBytes: who.length, ...overrides },
          Buffer.from(who),
        );
      const parkedSession = async (who: string): Promise<number> => {
        const { peer, ack } = await openAs(who, {});
        expect(ack.sessionStatus).toBe(SessionStatus.Opened);
        peer.destroy();
        await peer.closed;
        await nextDetach(resumeApp, ack.sessionId);
        return ack.sessionId;
      };
      const resume = (who: string, id: number, overrides: Partial<SessionOpenMetadata> = {}) =>
        openAs(who, { requestedSessionId: id, resumeTokenBytes: 24, ...overrides });
      const expectRejected = async ({
        peer,
        ack,
      }: {
        peer: WirePeer;
        ack: SessionOpenAckMetadata;
      }) => {
        expectRejectedAck(peer.packets[0], ack, SessionErrorCode.ResumeRejected);
        await peer.closed;
        // No ERROR, no frame-level answer: the ack is all the client gets.
        expect(peer.packets.map((p) => p.header.messageType)).toEqual([MessageType.SessionOpenAck]);
      };
      await expectRejected(await resume('alice', freshSessionId()));
      const alices = await parkedSession('alice');
      await expectRejected(await resume('mallory', alices));
      await expectRejected(await resume('alice', alices, { profileId: 1 }));
      await expectRejected(await resume('alice', alices, { sessionFlags: 0 }));
      // None of the refused attempts consumed the parked session.
      const back = await resume('alice', alices);
      expect(back.ack.sessionStatus).toBe(SessionStatus.Resumed);
      await expectRejected(await resume('alice', alices));
    });
    await withApp({ resumeWindowMs: 50 }, async (shortApp) => {
      const peer = await WirePeer.connect(shortApp.port);
      const { sessionId } = await peer.open({
        ...TOKEN_SESSION,
        sessionFlags: SessionFlag.AllowResume,
      });
      peer.destroy();
      // Expiry is an event (the application hears the close), not a guess about time.
      await shortApp.probe.closedSessions.wait(String(sessionId));
      const late = await WirePeer.openOn(shortApp.port, {
        ...TOKEN_SESSION,
        requestedSessionId: sessionId,
        sessionFlags: SessionFlag.AllowResume,
        resumeTokenBytes: 24,
      });
      expectRejectedAck(late.peer.packets[0], late.ack, SessionErrorCode.ResumeRejected);
    });
  });
});

/** Resolves once the server has parked session `id` for resume (its connection is gone). */
async function nextDetach(app: ConformanceApp, id: number): Promise<void> {
  // The carrier reports the close asynchronously; PINGs on a fresh connection give the
  // server's event loop turns to process it, without guessing a delay.
  const peer = await WirePeer.connect(app.port);
  const until = performance.now() + EVENT_TIMEOUT_MS;
  while (!app.engine.sessions.getDetached(id) && performance.now() < until) {
    await expectAlive(peer);
  }
  expect(app.engine.sessions.getDetached(id)).toBeDefined();
  peer.destroy();
}
