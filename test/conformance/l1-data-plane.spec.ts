import {
  buildTokenBody,
  buildTypedPayloadBody,
  CancelScope,
  canTransitionOperation,
  decodeTokenChunks,
  decodeTypedPayloadBody,
  encodeFrameSubmit,
  encodePacket,
  encodeTypedPayloadDescriptor,
  ErrorCode,
  ErrorScope,
  FrameSubmitMetadata,
  MessageType,
  OperationState,
  ResultClass,
  ResultFlag,
  TypedPayloadFrameInput,
} from '@nest-nnrp/protocol';
import {
  ClientSession,
  DEFAULT_FRAME_SUBMIT,
  FrameOutcome,
  InboundMessage,
  NnrpClient,
  ResultEvent,
} from '@nest-nnrp/nest';
import { connectClient } from '../support/nnrp-test-client';
import { frameKey, Route, STRUCTURED_EVENT, TypedFrameReport } from './conformance-controller';
import {
  closePeers,
  ConformanceApp,
  errorsOf,
  fatalErrorFor,
  helloSession,
  openSession,
  patched,
  serverSession,
  startConformanceApp,
  tensorSubmit,
  TOKEN,
  tokenRoute,
} from './conformance-support';
import { vectorBytes } from './conformance-vectors';
import { nextEvent } from './signals';
import { WirePeer } from './wire-peer';

// L1 data plane (cases/l1-data-plane.json): submit routing, result termination, the operation
// lifecycle and cancel scopes, typed payload descriptors and token-profile partials.

/** Every RESULT_PUSH / RESULT_DROP `client` receives, in arrival order. */
function answersOf(client: NnrpClient): InboundMessage[] {
  const answers: InboundMessage[] = [];
  client.on('packet', (message) => {
    if (message.type === MessageType.ResultPush || message.type === MessageType.ResultDrop) {
      answers.push(message);
    }
  });
  return answers;
}

/** Records the operation-state transitions the server's registry makes for `sessionId`. */
function recordTransitions(app: ConformanceApp, sessionId: number): Map<bigint, OperationState[]> {
  const seen = new Map<bigint, OperationState[]>();
  const { operations } = serverSession(app, sessionId);
  const transition = operations.transition.bind(operations);
  jest.spyOn(operations, 'transition').mockImplementation((id, next) => {
    transition(id, next);
    seen.set(id, [...(seen.get(id) ?? []), next]);
  });
  return seen;
}

/** The server-side operation state of a frame. */
function stateOf(app: ConformanceApp, sessionId: number, frameId: number) {
  return serverSession(app, sessionId).operations.state(BigInt(frameId));
}

/** A typed payload frame with no schema (profile 0 binds only schema 0/0, data-plane.md §9.4). */
function schemaless(descriptorFlags: number, streamSemantics: number, text: string) {
  const frame: TypedPayloadFrameInput = {
    profileId: 0,
    schemaId: 0,
    schemaVersion: 0,
    descriptorFlags,
    streamSemantics,
    payload: Buffer.from(text),
  };
  return frame;
}

/** Partial event, empty frame, terminal event with profile_hint_present (flags 0x1 | 0x8). */
const EVENT_FRAMES = [
  schemaless(0x2, 4, 'alpha'),
  schemaless(0x0, 0, ''),
  schemaless(0x9, 4, 'omega!'),
];

/** The typed-payload submit of EVENT_FRAMES, then `mutate`d (a copy). */
function eventSubmit(
  mutate: (body: Buffer, metadata: Partial<FrameSubmitMetadata>) => void = () => undefined,
) {
  const build = buildTypedPayloadBody({
    payloadKindBitmap: STRUCTURED_EVENT,
    frames: EVENT_FRAMES,
  });
  const body = Buffer.from(build.body);
  const metadata: Partial<FrameSubmitMetadata> = {
    payloadKindBitmap: build.payloadKindBitmap,
    payloadFrameCount: build.payloadFrameCount,
  };
  mutate(body, metadata);
  return { body, metadata };
}

describe('L1 data plane (cases/l1-data-plane.json)', () => {
  let app: ConformanceApp;

  beforeAll(async () => {
    // Room for the nine operations the cancel-scope case keeps in flight at once.
    app = await startConformanceApp({ profile: { maxInFlightPerSession: 16 } });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    return closePeers();
  });
  afterAll(() => app.close());

  it('l1.frame_submit.tensor.inline.routing.validation: routes an inline tensor submit by its session header and echoes its ids on the answer', async () => {
    const client = await connectClient(app);
    const session = await helloSession(client);
    const submit = tensorSubmit({ layout: 'legacy' });
    const call = session.submit(submit.body, {
      metadata: submit.metadata,
      routeId: Route.tensor,
      viewId: 3,
      traceId: 0xabcdef0123n,
    });
    const outcome = await call.done;
    expect(outcome.kind).toBe('result');
    expect(outcome.header).toMatchObject({
      sessionId: session.id,
      frameId: call.frameId,
      viewId: 3,
      routeId: Route.tensor,
      traceId: 0xabcdef0123n,
    });
    expect(app.probe.invoked).toContain(frameKey(session.id, call.frameId));
    // A submit outside this connection's sessions, and frame id 0, are refused undispatched.
    const peer = await WirePeer.connect(app.port);
    const own = await peer.hello();
    peer.submit(session.id, 5, { routeId: Route.tensor, ...submit });
    const [foreign] = errorsOf([await peer.expect(MessageType.Error)]);
    expect(foreign).toMatchObject({
      errorCode: ErrorCode.InvalidState,
      errorScope: ErrorScope.Session,
      isFatal: false,
      relatedSessionId: session.id,
      relatedFrameId: 5,
    });
    peer.submit(own, 0, { routeId: Route.tensor, ...submit });
    expect((await peer.expect(MessageType.ResultDrop)).header).toMatchObject({
      sessionId: own,
      frameId: 0,
    });
    expect(app.probe.invoked).not.toContain(frameKey(session.id, 5));
    expect(app.probe.invoked).not.toContain(frameKey(own, 0));
  });

  it('l1.frame_submit.tensor.inline.routing.validation: FRAME_SUBMIT metadata is exactly 72 bytes with no operation id slot; anything else is connection-fatal', async () => {
    const valid = encodeFrameSubmit({ ...DEFAULT_FRAME_SUBMIT, ...TOKEN });
    const broken = [
      patched(valid, (m) => m.writeBigUInt64LE(7n, 40)), // where preview4 puts operation_id
      Buffer.concat([valid, Buffer.alloc(8)]),
      vectorBytes('neg.frame_submit.token_with_tensor_fields'),
    ];
    for (const metadata of broken) {
      const { error, sessionId } = await fatalErrorFor(
        app,
        (id) =>
          encodePacket(
            { messageType: MessageType.FrameSubmit, sessionId: id, frameId: 1 },
            metadata,
          ),
        'hello',
      );
      expect(error.errorCode).toBe(ErrorCode.MalformedBody);
      expect(app.probe.invoked).not.toContain(frameKey(sessionId, 1));
    }
  });

  it('l1.result_push.basic.terminal.validation: partials carry the partial class and flag, exactly one terminal ends the frame, nothing follows it', async () => {
    const client = await connectClient(app);
    const session = await helloSession(client);
    const answers = answersOf(client);
    const streamed = session.submit(Buffer.alloc(0), {
      routeId: Route.stream,
      payloadKindBitmap: 1,
    });
    const outcome = await streamed.done;
    const after = await session.submit(Buffer.from('after'), { payloadKindBitmap: 1 }).done;
    expect(after.kind).toBe('result');
    const ofFrame = answers.filter((m) => m.header.frameId === streamed.frameId);
    expect(ofFrame.map((m) => m.type)).toEqual(Array(4).fill(MessageType.ResultPush));
    const metadata = ofFrame.flatMap((m) =>
      m.type === MessageType.ResultPush ? [m.metadata] : [],
    );
    expect(metadata.map((m) => m.resultClass)).toEqual([
      ResultClass.Partial,
      ResultClass.Partial,
      ResultClass.Partial,
      ResultClass.Complete,
    ]);
    expect(metadata.map((m) => m.resultFlags & ResultFlag.Partial)).toEqual([4, 4, 4, 0]);
    expect(ofFrame.every((m) => m.header.metaLen === 64)).toBe(true);
    expect(metadata.every((m) => m.statusCode === 0)).toBe(true);
    expect(outcome.kind === 'result' && outcome.body.toString()).toBe('final');
    // The frame's last packet is its terminal answer; the next frame's answer comes after.
    expect(answers.indexOf(ofFrame[3])).toBeLessThan(
      answers.findIndex((m) => m.header.frameId !== streamed.frameId),
    );
    // A drop is a header-only terminal answer.
    const dropped = session.submit(Buffer.alloc(0), {
      routeId: Route.drop,
      viewId: 2,
      payloadKindBitmap: 1,
    });
    expect((await dropped.done).header).toMatchObject({
      metaLen: 0,
      bodyLen: 0,
      viewId: 2,
      routeId: Route.drop,
    });
    expect(client.violations).toEqual([]);
  });

  it('l1.operation.lifecycle.progression.validation: moves accepted → running → partial → completed and keeps partial delivery apart from completion', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const transitions = recordTransitions(app, session.id);
    const call = session.submit(Buffer.alloc(0), tokenRoute(Route.park));
    const ctx = await app.probe.parked(session.id, call.frameId);
    expect(ctx.operationState).toBe(OperationState.Running);
    expect(ctx.sendPartial('one')).toBe(true);
    expect(ctx.operationState).toBe(OperationState.Partial);
    expect(ctx.sendPartial('two')).toBe(true);
    expect(stateOf(app, session.id, call.frameId)).toBe(OperationState.Partial);
    expect(call.settled).toBe(false);
    app.probe.release(session.id, call.frameId, 'three');
    const outcome = await call.done;
    expect(outcome.kind).toBe('result');
    expect(outcome.partials.map((p) => p.body.toString())).toEqual(['one', 'two']);
    // partial → partial leaves the record in `partial`: one registry transition per state.
    expect(transitions.get(BigInt(call.frameId))).toEqual([
      OperationState.Running,
      OperationState.Partial,
      OperationState.Completed,
    ]);
    expect(stateOf(app, session.id, call.frameId)).toBe(OperationState.Completed);
    expect(ctx.sendPartial('late')).toBe(false);
    expect(canTransitionOperation(OperationState.Accepted, OperationState.Partial)).toBe(false);
    expect(canTransitionOperation(OperationState.Accepted, OperationState.Completed)).toBe(false);
  });

  it('l1.operation.lifecycle.waiting_tool.validation: waiting_tool is a public state between partials, with tool arguments and results only in typed payloads', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const transitions = recordTransitions(app, session.id);
    const call = session.submit(Buffer.alloc(0), tokenRoute(Route.park));
    const ctx = await app.probe.parked(session.id, call.frameId);
    const toolCall = buildTypedPayloadBody({
      payloadKindBitmap: 0x20,
      frames: [
        {
          profileId: 0,
          descriptorFlags: 0x2,
          schemaId: 0,
          schemaVersion: 0,
          streamSemantics: 5,
          payload: Buffer.from(JSON.stringify({ tool: 'lookup', args: { q: 'nnrp' } })),
        },
      ],
    });
    const partial = nextEvent<ResultEvent>((listener) => call.onPartial(listener));
    expect(ctx.sendPartial(toolCall)).toBe(true);
    expect(ctx.setWaitingTool(true)).toBe(true);
    expect(ctx.operationState).toBe(OperationState.WaitingTool);
    expect(ctx.setWaitingTool(true)).toBe(false);
    const event = await partial;
    expect(event.metadata).toMatchObject({
      resultClass: ResultClass.Partial,
      payloadKindBitmap: 0x20,
      payloadFrameCount: 1,
      statusCode: 0,
    });
    const [frame] = decodeTypedPayloadBody(event.metadata, event.body);
    expect(JSON.parse(frame.payload.toString())).toEqual({ tool: 'lookup', args: { q: 'nnrp' } });
    // The tool result arrives as a dependent frame; the operation then runs again.
    const toolResult = await session.submit(Buffer.from('{"answer":42}'), {
      ...TOKEN,
      metadata: { ...TOKEN, dependencyFrameId: call.frameId },
    }).done;
    expect(toolResult.kind).toBe('result');
    expect(
      serverSession(app, session.id).operations.get(BigInt(call.frameId + 1))?.descriptor
        .parentOperationId,
    ).toBe(BigInt(call.frameId));
    expect(ctx.setWaitingTool(false)).toBe(true);
    app.probe.release(session.id, call.frameId, 'answered');
    expect((await call.done).kind).toBe('result');
    expect(transitions.get(BigInt(call.frameId))).toEqual([
      OperationState.Running,
      OperationState.Partial,
      OperationState.WaitingTool,
      OperationState.Running,
      OperationState.Completed,
    ]);
  });

  it('l1.operation.lifecycle.terminal_resolution.validation: keeps completed, cancelled, failed and superseded distinct', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const park = (extra = {}) => session.submit(Buffer.alloc(0), tokenRoute(Route.park, extra));
    const completed = session.submit(Buffer.from('ok'), TOKEN);
    const cancelled = park();
    const failed = session.submit(Buffer.alloc(0), tokenRoute(Route.fails));
    const superseded = park();
    const timedOut = park({ metadata: { latencyBudgetMs: 30 } });
    await app.probe.parked(session.id, cancelled.frameId);
    await app.probe.parked(session.id, superseded.frameId);
    session.cancel(cancelled.frameId);
    const retry = session.submit(Buffer.from('retry'), {
      ...TOKEN,
      metadata: { ...TOKEN, retryOfFrame: superseded.frameId },
    });
    const outcomes = await Promise.all(
      [completed, cancelled, failed, superseded, retry, timedOut].map((c) => c.done),
    );
    expect(outcomes.map((o: FrameOutcome) => o.kind)).toEqual([
      'result',
      'drop',
      'drop',
      'drop',
      'result',
      'drop',
    ]);
    const states = [completed, cancelled, failed, superseded, retry, timedOut].map((c) =>
      stateOf(app, session.id, c.frameId),
    );
    expect(states).toEqual([
      OperationState.Completed,
      OperationState.Cancelled,
      OperationState.Failed,
      OperationState.Superseded,
      OperationState.Completed,
      OperationState.Failed,
    ]);
    // Terminal is final: a late cancel changes nothing and sends nothing.
    session.cancel(completed.frameId);
    expect((await session.submit(Buffer.from('after'), TOKEN).done).kind).toBe('result');
    expect(stateOf(app, session.id, completed.frameId)).toBe(OperationState.Completed);
    expect(client.violations).toEqual([]);
  });

  it('l1.operation.cancel_scope.validation: cancels one operation, a dependency subtree, a view-lane group or the whole session, and nothing else', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const calls = new Map<number, ReturnType<ClientSession['submit']>>();
    const park = (frameId: number, viewId = 0, dependencyFrameId = 0) => {
      calls.set(
        frameId,
        session.submit(
          Buffer.alloc(0),
          tokenRoute(Route.park, { frameId, viewId, metadata: { dependencyFrameId } }),
        ),
      );
      return app.probe.parked(session.id, frameId);
    };
    const root = await park(1);
    await park(2, 0, 1);
    await park(3, 0, 2);
    await park(4);
    const lane = await park(5, 7);
    await park(6, 7);
    await park(7, 8);
    const single = await park(8);
    const last = await park(9);
    const alive = (): number[] =>
      [...calls.keys()].filter((id) => !app.probe.aborted.fired(frameKey(session.id, id)));
    expect(root.cancelOperations(CancelScope.Subtree)).toEqual([1, 2, 3]);
    expect(lane.cancelOperations(CancelScope.Group)).toEqual([5, 6]);
    expect(() => single.cancelOperations(CancelScope.Group)).toThrow(/operation_group_id/);
    expect(alive()).toEqual([4, 7, 8, 9]);
    expect(single.cancelOperations(CancelScope.Operation)).toEqual([8]);
    expect(last.cancelOperations(CancelScope.Session)).toEqual([4, 7, 9]);
    expect(root.cancelOperations(CancelScope.Session)).toEqual([]);
    for (const [frameId, call] of calls) {
      expect((await call.done).kind).toBe('drop');
      expect(stateOf(app, session.id, frameId)).toBe(OperationState.Cancelled);
    }
    expect(alive()).toEqual([]);
  });

  it('l1.typed_payload.descriptor.validation: exposes each 24-byte descriptor with its flags, and offsets relative to the frame region, exactly as sent', async () => {
    const client = await connectClient(app);
    const session = await helloSession(client);
    const { body, metadata } = eventSubmit();
    const outcome = await session.submit(body, { routeId: Route.typed, metadata }).done;
    expect(outcome.kind).toBe('result');
    if (outcome.kind !== 'result') return;
    const report = JSON.parse(outcome.body.toString()) as TypedFrameReport[];
    expect(report.map((r) => [r.descriptor.offset, r.descriptor.length, r.text])).toEqual([
      [0, 5, 'alpha'],
      [5, 0, ''],
      [5, 6, 'omega!'],
    ]);
    expect(report.map((r) => r.descriptor.descriptorFlags)).toEqual([0x2, 0x0, 0x9]);
    const regionStart = 32 + 3 * 24;
    report.forEach((r, i) => {
      expect(
        body.subarray(32 + 24 * i, 56 + 24 * i).equals(encodeTypedPayloadDescriptor(r.descriptor)),
      ).toBe(true);
      expect(r.bodyOffset).toBe(regionStart + r.descriptor.offset);
    });
  });

  it('l1.typed_payload.descriptor.validation: drops a frame whose descriptors break the layout rules and keeps the session', async () => {
    const client = await connectClient(app);
    const session = await helloSession(client);
    const descriptorAt = (i: number) => 32 + 24 * i;
    const broken = [
      eventSubmit((_b, m) => (m.payloadFrameCount = 2)),
      eventSubmit((b) => b.writeUInt32LE(1, descriptorAt(0) + 16)),
      eventSubmit((b) => b.writeUInt16LE(0x10, descriptorAt(1) + 2)),
      eventSubmit((b) => b.writeUInt16LE(1, descriptorAt(2) + 14)),
      eventSubmit((b) => b.writeUInt32LE(5, descriptorAt(2) + 20)),
      eventSubmit((_b, m) => (m.payloadKindBitmap = 0x2)),
    ];
    for (const { body, metadata } of broken) {
      const outcome = await session.submit(body, { routeId: Route.typed, metadata }).done;
      expect(outcome.kind).toBe('drop');
    }
    const valid = eventSubmit();
    expect(
      (await session.submit(valid.body, { routeId: Route.typed, metadata: valid.metadata }).done)
        .kind,
    ).toBe('result');
    // A malformed body is a frame-level failure, not a protocol ERROR.
    expect(client.errors).toEqual([]);
  });

  it('l1.token_profile.partial.validation: token partials are consumable chunks, the terminal chunk ends the stream, and no tensor field is used', async () => {
    const client = await connectClient(app);
    const session = await openSession(client);
    const build = buildTokenBody([{ text: 'hel' }, { text: 'lo ' }, { text: 'world' }]);
    const call = session.submit(build.body, {
      routeId: Route.tokens,
      metadata: {
        payloadKindBitmap: build.payloadKindBitmap,
        payloadFrameCount: build.payloadFrameCount,
      },
    });
    const outcome = await call.done;
    expect(app.probe.observations.get(frameKey(session.id, call.frameId))).toEqual([
      { text: 'hel', partial: true, terminal: false },
      { text: 'lo ', partial: true, terminal: false },
      { text: 'world', partial: false, terminal: true },
    ]);
    expect(outcome.kind).toBe('result');
    if (outcome.kind !== 'result') return;
    const events = [...outcome.partials, outcome];
    const chunks = events.map((event) => {
      expect(event.metadata).toMatchObject({
        payloadKindBitmap: 0x2,
        payloadFrameCount: 1,
        activeProfileId: 2,
        tileCount: 0,
        sectionCount: 0,
        tileIndexBytes: 0,
      });
      const [chunk] = decodeTokenChunks(event.metadata, event.body);
      return { text: chunk.text, partial: chunk.isPartial, terminal: chunk.isTerminal };
    });
    expect(chunks).toEqual([
      { text: 'HEL', partial: true, terminal: false },
      { text: 'LO ', partial: true, terminal: false },
      { text: 'WORLD', partial: false, terminal: true },
    ]);
    expect(outcome.partials.map((p) => p.metadata.resultClass)).toEqual([
      ResultClass.Partial,
      ResultClass.Partial,
    ]);
    expect(outcome.metadata.resultClass).toBe(ResultClass.Complete);
    expect(chunks.map((c) => c.text).join('')).toBe('HELLO WORLD');
  });
});
