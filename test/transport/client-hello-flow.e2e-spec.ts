import {
  ControlExtensionType,
  encodeFrameSubmit,
  encodePacket,
  decodeTransportPolicyAckExtension,
  ErrorCode,
  HeaderFlag,
  MessageType,
  ResultHintCongestionState,
  ResultHintReason,
  TransportId,
} from '@nest-nnrp/protocol';
import { DEFAULT_FRAME_SUBMIT } from '@nest-nnrp/nest';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients } from '../support/nnrp-test-client';

describe.each(CARRIER_MODES)('CLIENT_HELLO flow (Python client) over %s', (mode) => {
  let server: NnrpTestApp;

  beforeAll(async () => {
    server = await startNnrpTestApp(
      [BehaviourController],
      { keepaliveIntervalMs: 40 },
      [FrameProbe],
      mode,
    );
  });
  afterEach(() => destroyClients());
  afterAll(() => server.close());

  it('handshakes with intersected bitmaps and the transport-policy ack, then serves submits', async () => {
    const client = await connectClient(server);
    const session = await client.hello({
      supportedProfileBitmap: 0x1,
      supportedPayloadKindBitmap: 0x1,
      supportedCodecBitmap: 0xff,
      supportedDtypeBitmap: 0x21,
    });
    const ack = session.helloAck!;
    expect(ack.metadata.sessionId).toBe(session.id);
    expect(ack.metadata.acceptedProfileBitmap).toBe(0x1);
    expect(ack.metadata.acceptedPayloadKindBitmap).toBe(0x1);
    expect(ack.metadata.acceptedCodecBitmap).toBe(0x3);
    expect(ack.metadata.acceptedDtypeBitmap).toBe(0x1);
    expect(ack.header.flags & HeaderFlag.AckRequired).toBe(HeaderFlag.AckRequired);
    const policy = ack.extensions.find(
      (e) => e.extType === ControlExtensionType.TransportPolicyAck,
    );
    expect(policy).toBeDefined();
    expect(decodeTransportPolicyAckExtension(policy!.payload).activeTransportId).toBe(
      mode === 'tcp' ? TransportId.Tcp : TransportId.Quic,
    );
    const outcome = await session.submit(Buffer.from('tile'), { payloadKindBitmap: 1 }).done;
    expect(outcome.kind).toBe('result');
    if (outcome.kind === 'result') expect(outcome.body.toString()).toBe('tile');
  });

  it('answers TRANSPORT_PROBE before the handshake, echoing the probe id', async () => {
    const client = await connectClient(server);
    const probe = await client.probe(4096);
    expect(probe.ack.probeId).toBeGreaterThan(0);
    expect(probe.rttMs).toBeGreaterThanOrEqual(0);
    // The connection is still usable for a handshake afterwards.
    const session = await client.hello();
    expect((await session.submit(Buffer.from('x'), { payloadKindBitmap: 1 }).done).kind).toBe(
      'result',
    );
  });

  it('answers PING with PONG and keeps hello clients alive with PINGs', async () => {
    const client = await connectClient(server);
    let pings = 0;
    client.on('packet', (message) => {
      if (message.type === MessageType.Ping) pings++;
    });
    await client.hello();
    const rtt = await client.ping();
    expect(rtt).toBeGreaterThanOrEqual(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(pings).toBeGreaterThan(0);
  });

  it('tells hello clients about overload with FLOW_UPDATE and RESULT_HINT', async () => {
    const client = await connectClient(server);
    const session = await client.hello();
    const calls = Array.from({ length: 8 }, () =>
      session.submit(Buffer.from('40'), { routeId: Route.sleep, payloadKindBitmap: 1 }),
    );
    const outcomes = await Promise.all(calls.map((c) => c.done));
    expect(outcomes.filter((o) => o.kind === 'drop')).toHaveLength(4);
    expect(session.flowUpdates.length).toBeGreaterThan(0);
    const hint = session.hints[0];
    expect(hint.metadata.congestionState).toBe(ResultHintCongestionState.Saturated);
    expect(hint.metadata.reason).toBe(ResultHintReason.QueueFull);
  });

  it('delivers the hints a handler sends (RESULT_HINT) before its result', async () => {
    const client = await connectClient(server);
    const session = await client.hello();
    const outcome = await session.submit(Buffer.from('h'), {
      routeId: Route.hint,
      payloadKindBitmap: 1,
    }).done;
    expect(outcome.kind).toBe('result');
    expect(session.hints).toHaveLength(1);
    expect(session.hints[0].metadata).toMatchObject({
      congestionState: ResultHintCongestionState.Elevated,
      reason: ResultHintReason.ServerBusy,
      retryAfterMs: 25,
    });
    expect(session.hints[0].header.frameId).toBe(outcome.header.frameId);
  });

  it('answers a cancel of an unknown frame with a non-fatal ERROR and stays up', async () => {
    const client = await connectClient(server);
    const session = await client.hello();
    session.cancel(12345);
    const outcome = await session.submit(Buffer.from('after'), { payloadKindBitmap: 1 }).done;
    expect(outcome.kind).toBe('result');
    expect(client.errors).toHaveLength(1);
    expect(client.errors[0].metadata.isFatal).toBe(false);
    expect(client.errors[0].metadata.errorCode).toBe(ErrorCode.InvalidState);
  });

  it('refuses a submit for a session it does not know, without closing', async () => {
    const client = await connectClient(server);
    const session = await client.hello();
    const stray = await connectClient(server);
    await stray.hello();
    // The first client's session id, used from another connection.
    stray.sendRaw(
      encodePacket(
        { messageType: MessageType.FrameSubmit, sessionId: session.id, frameId: 1 },
        encodeFrameSubmit({ ...DEFAULT_FRAME_SUBMIT, payloadKindBitmap: 1 }),
        Buffer.from('x'),
      ),
    );
    await stray.ping();
    expect(stray.errors.some((e) => e.metadata.errorCode === ErrorCode.InvalidState)).toBe(true);
    expect((await session.submit(Buffer.from('ok'), { payloadKindBitmap: 1 }).done).kind).toBe(
      'result',
    );
  });
});
