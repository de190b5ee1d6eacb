import {
  buildTokenBody,
  buildTypedPayloadBody,
  decodeTokenChunks,
  decodeTypedPayloadBody,
  MessageType,
  ResultClass,
  SchemaErrorCode,
  SessionErrorCode,
  TOKEN_DELTA_SCHEMA_DESCRIPTOR,
  TypedPayloadDescriptor,
  splitBodyRegions,
} from '@nest-nnrp/protocol';
import {
  ClientSession,
  FrameCall,
  InboundMessage,
  NnrpClient,
  NnrpSchemaError,
  ResultEvent,
} from '@nest-nnrp/nest';
import { connectClient } from '../support/nnrp-test-client';
import { startNnrpTestApp } from '../support/nnrp-test-app';
import {
  ConformanceController,
  ConformanceProbe,
  frameKey,
  Route,
  STREAMED_DESCRIPTORS,
  STRUCTURED_EVENT,
  TypedFrameReport,
} from './conformance-controller';
import {
  closePeers,
  ConformanceApp,
  helloSession,
  openSession,
  startConformanceApp,
  tensorSubmit,
  tokenRoute,
} from './conformance-support';
import { WirePeer } from './wire-peer';

// L2 binding/driver cases (cases/l2-binding-driver.json). The "binding" here is the NestJS
// transport (handler context: borrowed views, typed payload and schema errors) and the
// TypeScript client (callback `onPartial`, polling `partials` / `done`, and the `packet` event
// pump). Each case checks that the public protocol shapes survive that boundary unchanged.

/** The three ways the client surfaces a frame's answers, recorded side by side. */
interface DriveModes {
  /** `call.onPartial` callbacks, then the terminal from `done`. */
  callback: ResultEvent[];
  /** The client's `packet` event pump: every RESULT_PUSH of the frame, in wire order. */
  pump: InboundMessage[];
}

/** Records a submitted frame's answers through the callback and the event pump. */
function driven(client: NnrpClient, call: FrameCall): DriveModes {
  const modes: DriveModes = { callback: [], pump: [] };
  call.onPartial((event) => modes.callback.push(event));
  client.on('packet', (message) => {
    if (message.type === MessageType.ResultPush && message.header.frameId === call.frameId) {
      modes.pump.push(message);
    }
  });
  return modes;
}

/** The descriptors of a typed-payload RESULT_PUSH, without the computed offset/length. */
function descriptorsOf(event: ResultEvent): Omit<TypedPayloadDescriptor, 'offset' | 'length'>[] {
  return decodeTypedPayloadBody(event.metadata, event.body).map(({ descriptor }) => {
    const { offset: _offset, length: _length, ...rest } = descriptor;
    return rest;
  });
}

describe('L2 binding and driver (cases/l2-binding-driver.json)', () => {
  let app: ConformanceApp;

  beforeAll(async () => {
    app = await startConformanceApp({ profile: { maxInFlightPerSession: 32 } });
  });
  afterEach(() => closePeers());
  afterAll(() => app.close());

  it('l2.payload.typed.buffer_ownership.relative_region.validation: typed payload views keep offsets relative to the frame region, share the borrowed body, and end with the frame', async () => {
    const client = await connectClient(app);
    const session = await helloSession(client);
    // A mixed body: inline tensor objects precede the typed payload region.
    const { body, metadata } = tensorSubmit({
      layout: 'composed',
      cameraBlock: Buffer.from('camera bytes'),
      extraPayloadKinds: STRUCTURED_EVENT,
      typedPayloads: [
        { profileId: 0, schemaId: 0, schemaVersion: 0, payload: Buffer.from('first') },
        { profileId: 0, schemaId: 0, schemaVersion: 0, payload: Buffer.from('second!') },
      ],
    });
    const { prelude, typedPayloadFrames } = splitBodyRegions(body);
    const frameRegionStart = typedPayloadFrames.byteOffset - body.byteOffset;
    expect(prelude.inlineObjectBytes).toBeGreaterThan(0);
    expect(frameRegionStart).toBe(32 + prelude.inlineObjectBytes + 2 * 24);
    const call = session.submit(body, { routeId: Route.typed, metadata });
    const outcome = await call.done;
    if (outcome.kind !== 'result') throw new Error('expected a result');
    const report = JSON.parse(outcome.body.toString()) as TypedFrameReport[];
    expect(report.map((r) => [r.descriptor.offset, r.descriptor.length, r.text])).toEqual([
      [0, 5, 'first'],
      [5, 7, 'second!'],
    ]);
    for (const frame of report) {
      // Zero-copy: a view of the received body at region start + descriptor offset.
      expect(frame.sharesBody).toBe(true);
      expect(frame.bodyOffset).toBe(frameRegionStart + frame.descriptor.offset);
    }
    // Borrowed: the body is not readable once the frame has its answer; a retained copy is.
    const key = frameKey(session.id, call.frameId);
    const ctx = app.probe.contexts.get(key)!;
    expect(() => ctx.body).toThrow(/settled/);
    expect(() => ctx.typedPayloads()).toThrow(/settled/);
    expect((app.probe.observations.get(key) as Buffer).equals(body)).toBe(true);
  });

  it('l2.payload.typed.callback_polling.descriptor_consistency.validation: callbacks, polling and the event pump expose the same descriptors the handler sent', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const call = session.submit(Buffer.alloc(0), tokenRoute(Route.typedStream));
    const modes = driven(client, call);
    const outcome = await call.done;
    if (outcome.kind !== 'result') throw new Error('expected a result');
    const polled = [...call.partials, outcome].map(descriptorsOf);
    const callback = [...modes.callback, outcome].map(descriptorsOf);
    const pumped = modes.pump.map((message) =>
      message.type === MessageType.ResultPush
        ? descriptorsOf({ header: message.header, metadata: message.metadata, body: message.body })
        : [],
    );
    const sent = STREAMED_DESCRIPTORS.map((descriptor) => [descriptor]);
    expect(polled).toEqual(sent);
    expect(callback).toEqual(sent);
    expect(pumped).toEqual(sent);
    expect(
      modes.pump.map((m) => (m.type === MessageType.ResultPush ? m.metadata.payloadKindBitmap : 0)),
    ).toEqual([STRUCTURED_EVENT, STRUCTURED_EVENT, STRUCTURED_EVENT]);
  });

  it('l2.profile.token.partial.callback_polling.validation: token partials stay ordered and non-terminal in every drive mode; the stop surfaces once', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const build = buildTokenBody(['Once ', 'upon ', 'a ', 'time'].map((text) => ({ text })));
    const call = session.submit(build.body, {
      routeId: Route.tokens,
      metadata: {
        payloadKindBitmap: build.payloadKindBitmap,
        payloadFrameCount: build.payloadFrameCount,
      },
    });
    const modes = driven(client, call);
    const outcome = await call.done;
    if (outcome.kind !== 'result') throw new Error('expected a result');
    const chunk = (event: ResultEvent) => {
      const [only] = decodeTokenChunks(event.metadata, event.body);
      return `${only.text}|${only.isPartial ? 'partial' : ''}|${only.isTerminal ? 'stop' : ''}`;
    };
    const expected = ['ONCE |partial|', 'UPON |partial|', 'A |partial|', 'TIME||stop'];
    expect([...modes.callback, outcome].map(chunk)).toEqual(expected);
    expect([...call.partials, outcome].map(chunk)).toEqual(expected);
    expect(
      modes.pump.map((m) =>
        m.type === MessageType.ResultPush
          ? chunk({ header: m.header, metadata: m.metadata, body: m.body })
          : '',
      ),
    ).toEqual(expected);
    expect(
      modes.callback.every((event) => event.metadata.resultClass === ResultClass.Partial),
    ).toBe(true);
    expect(client.violations).toEqual([]);
  });

  it('l2.result_push.basic.event_pump.single_terminal.validation: under concurrent streams every operation keeps its order and surfaces its terminal exactly once', async () => {
    const client = await connectClient(app);
    const sessions: ClientSession[] = [await openSession(client), await openSession(client)];
    const calls = sessions.flatMap((session) =>
      Array.from({ length: 15 }, () => session.submit(Buffer.alloc(0), tokenRoute(Route.stream))),
    );
    const seen = new Map<string, string[]>();
    client.on('packet', (message) => {
      if (message.type !== MessageType.ResultPush && message.type !== MessageType.ResultDrop)
        return;
      const key = frameKey(message.header.sessionId, message.header.frameId);
      const label = message.type === MessageType.ResultPush ? message.body.toString() : 'drop';
      seen.set(key, [...(seen.get(key) ?? []), label]);
    });
    const callbacks = calls.map((call) => {
      const bodies: string[] = [];
      call.onPartial((event) => bodies.push(event.body.toString()));
      return bodies;
    });
    const outcomes = await Promise.all(calls.map((call) => call.done));
    outcomes.forEach((outcome, i) => {
      expect(outcome.kind).toBe('result');
      if (outcome.kind !== 'result') return;
      expect(callbacks[i]).toEqual(['p0', 'p1', 'p2']);
      expect(outcome.body.toString()).toBe('final');
      expect(seen.get(frameKey(calls[i].sessionId, calls[i].frameId))).toEqual([
        'p0',
        'p1',
        'p2',
        'final',
      ]);
    });
    expect(seen.size).toBe(30);
    expect(client.violations).toEqual([]);
  });

  it('l2.schema.registry.error_mapping.critical_unknown.validation: an unknown schema, version or dependency surfaces as its stable schema_error_code, never skipped or made generic', async () => {
    const client = await connectClient(app);
    const session = await helloSession(client);
    const frame = (schemaId: number, schemaVersion: number) => ({
      profileId: 2,
      schemaId,
      schemaVersion,
      payload: Buffer.from('x'),
    });
    const submit = (frames: ReturnType<typeof frame>[]) => {
      const build = buildTypedPayloadBody({ payloadKindBitmap: STRUCTURED_EVENT, frames });
      return session.submit(build.body, {
        routeId: Route.typed,
        metadata: { payloadKindBitmap: STRUCTURED_EVENT, payloadFrameCount: frames.length },
      });
    };
    const known = frame(TOKEN_DELTA_SCHEMA_DESCRIPTOR.schemaId, 3);
    for (const [unknown, code] of [
      [frame(0x9999, 1), SchemaErrorCode.Unknown],
      [frame(0x1001, 9), SchemaErrorCode.VersionUnknown],
    ] as const) {
      const call = submit([known, unknown]);
      // The valid descriptor does not let the frame through with the bad one skipped.
      expect((await call.done).kind).toBe('drop');
      const error = client.errors.find((e) => e.metadata.relatedFrameId === call.frameId);
      expect(error?.metadata).toMatchObject({ errorCode: code, errorScope: 2, isFatal: false });
    }
    expect((await submit([known]).done).kind).toBe('result');
    // At the SDK boundary the handler gets a typed error carrying the same code.
    const build = buildTypedPayloadBody({
      payloadKindBitmap: STRUCTURED_EVENT,
      frames: [known, frame(0x9999, 1)],
    });
    const parked = session.submit(build.body, {
      routeId: Route.park,
      metadata: { payloadKindBitmap: STRUCTURED_EVENT, payloadFrameCount: 2 },
    });
    const ctx = await app.probe.parked(session.id, parked.frameId);
    expect(() => ctx.typedPayloads()).toThrow(NnrpSchemaError);
    // The message names the code: `schema binding refused (0x40001)`.
    expect(() => ctx.typedPayloads()).toThrow(new NnrpSchemaError(SchemaErrorCode.Unknown));
    app.probe.release(session.id, parked.frameId);
    await parked.done;
    const registry = app.transport.schemas;
    expect(
      registry.install({ ...TOKEN_DELTA_SCHEMA_DESCRIPTOR, schemaId: 0x9a01 }, [
        { schemaId: 0x9a00, schemaVersion: 1 },
      ]),
    ).toEqual({ ok: false, code: SchemaErrorCode.DependencyMissing });
    expect(client.isClosed).toBe(false);
  });

  it('l2.schema.registry.conflict_error_mapping.validation: schema_hash_conflict and schema_update_rejected stay distinct through the transport layer', async () => {
    const registry = app.transport.schemas;
    const base = { ...TOKEN_DELTA_SCHEMA_DESCRIPTOR, schemaId: 0x9b01, schemaVersion: 1 };
    expect(registry.install(base).ok).toBe(true);
    const conflict = registry.install({ ...base, schemaHash: base.schemaHash + 1n });
    const rejected = registry.install({ ...base, schemaId: 0x9b02, profileId: 9 });
    expect(conflict).toEqual({ ok: false, code: SchemaErrorCode.HashConflict });
    expect(rejected).toEqual({ ok: false, code: SchemaErrorCode.UpdateRejected });
    // Neither refusal altered the registry clients see: the original binds, the refused does not.
    const opens = await Promise.all(
      [0x9b01, 0x9b02].map((schemaId) =>
        WirePeer.openOn(app.port, { profileId: 2, schemaId, schemaVersion: 1 }),
      ),
    );
    expect(opens.map(({ ack }) => ack.sessionErrorCode)).toEqual([
      0,
      SessionErrorCode.SchemaUnsupported,
    ]);
    // Configured at start-up, each refusal names its own code in the listen failure.
    for (const [schemas, code] of [
      [[base, { ...base, schemaHash: 7n }], '0x40003'],
      [[{ ...base, profileId: 9 }], '0x40006'],
    ] as const) {
      await expect(
        startNnrpTestApp([ConformanceController], { schemas: [...schemas] }, [ConformanceProbe]),
      ).rejects.toThrow(code);
    }
  });
});
