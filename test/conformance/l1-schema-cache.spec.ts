import {
  buildTypedPayloadBody,
  CacheAckMetadata,
  CacheAckStatus,
  CacheErrorCode,
  CacheInvalidateScope,
  CacheObjectId,
  CacheObjectKind,
  decodeSchemaDescriptorHeader,
  encodeCacheInvalidate,
  encodeCachePut,
  encodePacket,
  encodeSchemaDescriptorHeader,
  MessageType,
  NnrpErrorKind,
  SchemaBinding,
  SchemaDescriptorHeader,
  SchemaDescriptorOffset,
  SchemaErrorCode,
  SchemaFlag,
  SchemaRegistryOutcome,
  SessionErrorCode,
  SessionStatus,
  TOKEN_DELTA_SCHEMA_DESCRIPTOR,
  decodeTypedPayloadBody,
} from '@nest-nnrp/protocol';
import {
  ClientSession,
  FrameOutcome,
  InboundMessage,
  LeaseOwnerScope,
  NnrpClient,
  SubmitOptions,
} from '@nest-nnrp/nest';
import { connectClient } from '../support/nnrp-test-client';
import { CacheReadRequest, frameKey, Route, STRUCTURED_EVENT } from './conformance-controller';
import {
  closePeers,
  ConformanceApp,
  helloSession,
  nextClientEvent,
  openSession,
  serverSession,
  startConformanceApp,
  tensorSubmit,
  TOKEN_SESSION,
  tokenRoute,
  withApp,
} from './conformance-support';
import { protocolErrorOf } from './conformance-vectors';
import { WirePeer } from './wire-peer';

// L1 schema registry and cache lifecycle (cases/l1-schema-cache.json). Cache and schema
// failures of a frame reach CLIENT_HELLO-flow clients as a frame-scope, non-fatal ERROR with the
// stable code, then the frame's RESULT_DROP (data-plane.md §8.6, decisions.md §10).

const NAMESPACE = 7;

function cacheId(keyLo: number, objectKind = CacheObjectKind.CameraBlock): CacheObjectId {
  return { cacheNamespace: NAMESPACE, cacheKeyHi: 0xc0de, cacheKeyLo: keyLo, objectKind };
}

/** CACHE_PUT over the wire; resolves with the server's CACHE_ACK for that key. */
async function cachePut(
  client: NnrpClient,
  session: ClientSession,
  id: CacheObjectId,
  bytes: Buffer,
  ttlMs = 0,
): Promise<CacheAckMetadata> {
  const acked = nextClientEvent(client, 'cache');
  client.sendRaw(
    encodePacket(
      { messageType: MessageType.CachePut, sessionId: session.id },
      encodeCachePut({ ...id, ttlMs, objectBytes: bytes.length, codecBitmap: 0, flags: 0 }),
      bytes,
    ),
  );
  const ack = await acked;
  if (ack.type !== MessageType.CacheAck) throw new Error('expected CACHE_ACK');
  expect(ack.metadata).toMatchObject({ cacheKeyHi: id.cacheKeyHi, cacheKeyLo: id.cacheKeyLo });
  return ack.metadata;
}

/** CACHE_INVALIDATE of one key, over the wire (fire and forget, like the reference). */
function cacheInvalidate(client: NnrpClient, session: ClientSession, id: CacheObjectId): void {
  client.sendRaw(
    encodePacket(
      { messageType: MessageType.CacheInvalidate, sessionId: session.id },
      encodeCacheInvalidate({
        invalidateScope: CacheInvalidateScope.ObjectKey,
        cacheNamespace: id.cacheNamespace,
        cacheKeyHi: id.cacheKeyHi,
        cacheKeyLo: id.cacheKeyLo,
        reasonCode: 0,
      }),
    ),
  );
}

/** A tensor submit whose camera block is a reference to `id` (composed layout, mixed mode). */
function referenceSubmit(id: CacheObjectId): SubmitOptions & { body: Buffer } {
  const { body, metadata } = tensorSubmit({
    layout: 'composed',
    objectReferences: [{ ...id, objectKind: CacheObjectKind.CameraBlock }],
  });
  return { body, routeId: Route.camera, metadata };
}

/** A submit to the cache-read route. */
function cacheRead(request: CacheReadRequest): SubmitOptions & { body: Buffer } {
  return {
    body: Buffer.from(JSON.stringify(request)),
    routeId: Route.cacheRead,
    payloadKindBitmap: 1,
  };
}

/** A typed-payload submit to the typed route whose one frame binds `binding`. */
function bindingSubmit(binding: SchemaBinding): SubmitOptions & { body: Buffer } {
  // A tensor-profile descriptor is only allowed next to a tensor-only bitmap (§2.9 rule 5).
  const payloadKindBitmap = binding.profileId === 1 ? 0x1 : STRUCTURED_EVENT;
  const build = buildTypedPayloadBody({
    payloadKindBitmap,
    frames: [{ ...binding, payload: Buffer.from('bound') }],
  });
  return {
    body: build.body,
    routeId: Route.typed,
    metadata: { payloadKindBitmap, payloadFrameCount: 1 },
  };
}

/** Submits and returns the outcome with the packets the client saw for that frame. */
async function submitWatching(
  client: NnrpClient,
  session: ClientSession,
  { body, ...options }: SubmitOptions & { body: Buffer },
): Promise<{ outcome: FrameOutcome; packets: InboundMessage[] }> {
  const packets: InboundMessage[] = [];
  const call = session.submit(body, options);
  const stop = client.on('packet', (message) => {
    const related =
      message.type === MessageType.Error ? message.metadata.relatedFrameId : message.header.frameId;
    if (related === call.frameId) packets.push(message);
  });
  const outcome = await call.done;
  stop();
  return { outcome, packets };
}

/** The frame failed with `code`: a frame ERROR naming it, then its RESULT_DROP, and the session lives on. */
async function expectFrameError(
  client: NnrpClient,
  session: ClientSession,
  submit: SubmitOptions & { body: Buffer },
  code: number,
): Promise<void> {
  const { outcome, packets } = await submitWatching(client, session, submit);
  expect(outcome.kind).toBe('drop');
  expect(packets.map((p) => p.type)).toEqual([MessageType.Error, MessageType.ResultDrop]);
  const error = packets[0].type === MessageType.Error ? packets[0].metadata : undefined;
  expect(error).toMatchObject({
    errorCode: code,
    errorScope: 2,
    isFatal: false,
    relatedSessionId: session.id,
    relatedFrameId: outcome.header.frameId,
  });
  expect(client.isClosed).toBe(false);
}

/** The frame succeeded; returns its body. */
async function expectAnswered(session: ClientSession, submit: SubmitOptions & { body: Buffer }) {
  const { body, ...options } = submit;
  const outcome = await session.submit(body, options).done;
  if (outcome.kind !== 'result') throw new Error('expected a result, got a drop');
  return outcome.body;
}

/** A schema descriptor for profile 2 with the given id, version and overrides. */
function schema(
  schemaId: number,
  schemaVersion: number,
  overrides: Partial<SchemaDescriptorHeader> = {},
): SchemaDescriptorHeader {
  return {
    ...TOKEN_DELTA_SCHEMA_DESCRIPTOR,
    schemaId,
    schemaVersion,
    schemaHash: BigInt(schemaId) * 1000n + BigInt(schemaVersion),
    ...overrides,
  };
}

describe('L1 schema registry and cache lifecycle (cases/l1-schema-cache.json)', () => {
  let app: ConformanceApp;
  let client: NnrpClient;
  let session: ClientSession;

  beforeAll(async () => {
    app = await startConformanceApp();
  });
  beforeEach(async () => {
    client = await connectClient(app);
    session = await helloSession(client);
  });
  afterEach(() => closePeers());
  afterAll(() => app.close());

  const store = () => serverSession(app, session.id).cache;

  it('l1.cache.lease_owner_scope.validation: a CACHE_PUT lease is owned by its session (scope 1); operation-owned leases end with their operation', async () => {
    expect([
      LeaseOwnerScope.Connection,
      LeaseOwnerScope.Session,
      LeaseOwnerScope.Operation,
    ]).toEqual([0, 1, 2]);
    const id = cacheId(1);
    const ack = await cachePut(client, session, id, Buffer.from('camera-1'), 100_000);
    expect(ack).toMatchObject({
      status: CacheAckStatus.Accepted,
      acceptedTtlMs: 30_000,
      maxObjectBytes: 8 * 1024 * 1024,
    });
    const stored = store().resolve(id);
    expect(stored.ok && stored.value.lease).toMatchObject({
      ownerScope: LeaseOwnerScope.Session,
      ownerId: BigInt(session.id),
      ttlMs: 30_000,
    });
    expect((await expectAnswered(session, referenceSubmit(id))).toString()).toBe('camera-1');
    // The lease belongs to the session that took it: a sibling session does not see it.
    const sibling = await openSession(client);
    await expectFrameError(client, sibling, referenceSubmit(id), CacheErrorCode.CacheMiss);
    // An operation-owned lease lives exactly as long as its operation.
    const held = session.submit(Buffer.alloc(0), { routeId: Route.park, payloadKindBitmap: 1 });
    await app.probe.parked(session.id, held.frameId);
    const scoped = cacheId(2);
    store().put(scoped, Buffer.from('op'), {
      ownerScope: LeaseOwnerScope.Operation,
      ownerId: BigInt(held.frameId),
    });
    expect((await expectAnswered(session, referenceSubmit(scoped))).toString()).toBe('op');
    app.probe.release(session.id, held.frameId);
    await held.done;
    await expectFrameError(client, session, referenceSubmit(scoped), CacheErrorCode.CacheMiss);
    expect(store().resolve(id).ok).toBe(true);
  });

  it('l1.cache.object_version.monotonicity.validation: object_version only rises; stale writes are refused and readers get the current public object', async () => {
    const id = cacheId(3);
    expect((await cachePut(client, session, id, Buffer.from('first'))).status).toBe(
      CacheAckStatus.Accepted,
    );
    expect((await cachePut(client, session, id, Buffer.from('second'))).status).toBe(
      CacheAckStatus.Replaced,
    );
    const current = store().resolve(id);
    expect(current.ok && current.value.version).toBe(2n);
    for (const stale of [1n, 2n]) {
      expect(store().put(id, Buffer.from('stale'), { version: stale })).toEqual({
        ok: false,
        code: CacheErrorCode.VersionMismatch,
      });
    }
    expect((await expectAnswered(session, referenceSubmit(id))).toString()).toBe('second');
    expect(store().put(id, Buffer.from('fifth'), { version: 5n }).ok).toBe(true);
    await cachePut(client, session, id, Buffer.from('sixth'));
    const latest = store().resolve(id, { version: 6n });
    expect(latest.ok && latest.value.bytes.toString()).toBe('sixth');
    expect(store().resolve(id, { version: 5n })).toEqual({
      ok: false,
      code: CacheErrorCode.VersionMismatch,
    });
  });

  it('l1.cache.dependency_invalidation.validation: a dependent object turns dependency_invalid when what it depends on is revoked, replaced or loses its schema', async () => {
    const dependOn = (dependency: CacheObjectId, keyLo: number, version = 1n) => {
      const id = cacheId(keyLo);
      expect(
        store().put(id, Buffer.from(`dep-${keyLo}`), {
          dependencies: [{ id: dependency, version }],
        }).ok,
      ).toBe(true);
      return id;
    };
    const revoked = cacheId(10);
    await cachePut(client, session, revoked, Buffer.from('a'));
    const onRevoked = dependOn(revoked, 11);
    expect((await expectAnswered(session, referenceSubmit(onRevoked))).toString()).toBe('dep-11');
    cacheInvalidate(client, session, revoked);
    await expectFrameError(
      client,
      session,
      referenceSubmit(onRevoked),
      CacheErrorCode.DependencyInvalid,
    );
    await expectFrameError(client, session, referenceSubmit(revoked), CacheErrorCode.CacheMiss);
    const replaced = cacheId(12);
    await cachePut(client, session, replaced, Buffer.from('c1'));
    const onReplaced = dependOn(replaced, 13);
    await cachePut(client, session, replaced, Buffer.from('c2'));
    await expectFrameError(
      client,
      session,
      referenceSubmit(onReplaced),
      CacheErrorCode.DependencyInvalid,
    );
    const bound = cacheId(14);
    expect(app.transport.schemas.install(schema(0x2101, 1)).ok).toBe(true);
    store().put(bound, Buffer.from('bound'), {
      binding: { profileId: 2, schemaId: 0x2101, schemaVersion: 1 },
    });
    expect((await expectAnswered(session, referenceSubmit(bound))).toString()).toBe('bound');
    app.transport.schemas.invalidate(0x2101, 1);
    await expectFrameError(
      client,
      session,
      referenceSubmit(bound),
      CacheErrorCode.DependencyInvalid,
    );
  });

  it('l1.cache.dependency_invalidation.validation: a dependency whose lease expired invalidates its dependents', async () => {
    const expired = cacheId(20);
    store().put(expired, Buffer.from('old'), { ttlMs: 1000 }, Date.now() - 60_000);
    const dependent = cacheId(21);
    store().put(dependent, Buffer.from('new'), { dependencies: [{ id: expired, version: 1n }] });
    expect(store().resolve(expired)).toEqual({ ok: false, code: CacheErrorCode.LeaseExpired });
    expect(store().resolve(dependent)).toEqual({
      ok: false,
      code: CacheErrorCode.DependencyInvalid,
    });
  });

  it('l1.cache.error_code.cache_miss.validation: a reference to a missing object fails its frame with cache_miss, not a transport or validation error', async () => {
    await expectFrameError(client, session, referenceSubmit(cacheId(30)), CacheErrorCode.CacheMiss);
    expect(app.probe.invoked).not.toContain(frameKey(session.id, 1));
    expect(
      (
        await expectAnswered(session, { body: Buffer.from('next'), payloadKindBitmap: 1 })
      ).toString(),
    ).toBe('next');
    // A SESSION_OPEN-flow client only gets the frame's drop (decisions.md §10).
    const rust = await connectClient(app);
    const rustSession = await openSession(rust);
    const { outcome, packets } = await submitWatching(
      rust,
      rustSession,
      referenceSubmit(cacheId(30)),
    );
    expect(outcome.kind).toBe('drop');
    expect(packets.map((p) => p.type)).toEqual([MessageType.ResultDrop]);
    expect(rust.errors).toEqual([]);
  });

  it('l1.cache.error_code.lease_expired.validation: an object read after its lease window closes fails with lease_expired', async () => {
    const id = cacheId(40);
    const grantedAt = Date.now() - 60_000;
    store().put(id, Buffer.from('late'), { ttlMs: 1000 }, grantedAt);
    await expectFrameError(client, session, referenceSubmit(id), CacheErrorCode.LeaseExpired);
    // The window is [granted_at, granted_at + ttl): live at its last millisecond, expired after.
    expect(store().resolve(id, {}, grantedAt + 999).ok).toBe(true);
    expect(store().resolve(id, {}, grantedAt + 1000)).toEqual({
      ok: false,
      code: CacheErrorCode.LeaseExpired,
    });
  });

  it('l1.cache.error_code.version_mismatch.validation: reading a wrong object_version fails with version_mismatch instead of rebinding to the current one', async () => {
    const id = cacheId(50);
    await cachePut(client, session, id, Buffer.from('one'));
    await cachePut(client, session, id, Buffer.from('two'));
    await expectFrameError(
      client,
      session,
      cacheRead({ id, version: '1' }),
      CacheErrorCode.VersionMismatch,
    );
    expect((await expectAnswered(session, cacheRead({ id, version: '2' }))).toString()).toBe('two');
  });

  it('l1.cache.error_code.dependency_invalid.validation: an object whose dependency is unusable fails with dependency_invalid although it still exists', async () => {
    const base = cacheId(60);
    const dependent = cacheId(61);
    await cachePut(client, session, base, Buffer.from('base'));
    store().put(dependent, Buffer.from('dependent'), { dependencies: [{ id: base, version: 1n }] });
    cacheInvalidate(client, session, base);
    await expectFrameError(
      client,
      session,
      referenceSubmit(dependent),
      CacheErrorCode.DependencyInvalid,
    );
    expect(store().size).toBeGreaterThanOrEqual(2);
  });

  it('l1.cache.error_code.dependency_invalid.validation: a dependency chain is unusable when any link is', async () => {
    const [first, second, third] = [cacheId(70), cacheId(71), cacheId(72)];
    store().put(first, Buffer.from('1'));
    store().put(second, Buffer.from('2'), { dependencies: [{ id: first, version: 1n }] });
    store().put(third, Buffer.from('3'), { dependencies: [{ id: second, version: 1n }] });
    cacheInvalidate(client, session, first);
    await expectFrameError(
      client,
      session,
      referenceSubmit(second),
      CacheErrorCode.DependencyInvalid,
    );
    await expectFrameError(
      client,
      session,
      referenceSubmit(third),
      CacheErrorCode.DependencyInvalid,
    );
  });

  it('l1.cache.error_code.schema_mismatch.validation: an object read through another profile or schema binding fails with schema_mismatch', async () => {
    expect(app.transport.schemas.install(schema(0x2201, 1)).ok).toBe(true);
    const id = cacheId(80);
    const binding = { profileId: 2, schemaId: 0x2201, schemaVersion: 1 };
    store().put(id, Buffer.from('bound'), { binding });
    expect((await expectAnswered(session, cacheRead({ id, binding }))).toString()).toBe('bound');
    for (const other of [
      { ...binding, schemaId: 0x1001, schemaVersion: 3 },
      { ...binding, profileId: 1 },
      { ...binding, schemaVersion: 2 },
    ]) {
      await expectFrameError(
        client,
        session,
        cacheRead({ id, binding: other }),
        CacheErrorCode.SchemaMismatch,
      );
    }
  });

  it('l1.schema.descriptor.layout.validation: keeps schema_id, version, profile, flags, version window, body, dependencies, stream and hash at their offsets', async () => {
    expect(SchemaDescriptorOffset).toEqual({
      schemaId: 0,
      schemaVersion: 4,
      profileId: 8,
      schemaFlags: 10,
      minVersionMajor: 12,
      maxVersionMajor: 13,
      reserved0: 14,
      bodyBytes: 16,
      dependencyCount: 20,
      defaultStreamSemantics: 22,
      schemaHash: 24,
    });
    const descriptor = schema(0x11223344, 0x55667788, {
      schemaFlags: SchemaFlag.Cacheable | SchemaFlag.DefaultBindable,
      minVersionMajor: 1,
      maxVersionMajor: 2,
      bodyBytes: 0x0a0b0c0d,
      dependencyCount: 0x0e0f,
      defaultStreamSemantics: 3,
      schemaHash: 0x0102030405060708n,
    });
    const bytes = encodeSchemaDescriptorHeader(descriptor);
    expect(bytes.toString('hex')).toBe(
      '44332211887766550200050001020000' + '0d0c0b0a0f0e0300' + '0807060504030201',
    );
    expect(decodeSchemaDescriptorHeader(bytes)).toEqual(descriptor);
    for (const at of [14, 15]) {
      const bad = Buffer.from(bytes);
      bad[at] = 1;
      expect(protocolErrorOf(() => decodeSchemaDescriptorHeader(bad))).toMatchObject({
        kind: NnrpErrorKind.NonZeroReservedField,
        field: 'schema_descriptor.reserved0',
      });
    }
    expect(protocolErrorOf(() => decodeSchemaDescriptorHeader(bytes.subarray(0, 31)))?.kind).toBe(
      NnrpErrorKind.TooShort,
    );
    // The decoded descriptor, configured into a server, scopes sessions and bindings.
    await withApp({ schemas: [decodeSchemaDescriptorHeader(bytes)] }, async (schemaApp) => {
      const peer = await WirePeer.connect(schemaApp.port);
      const ack = await peer.open({
        profileId: 2,
        schemaId: 0x11223344,
        schemaVersion: 0x55667788,
      });
      expect(ack.sessionStatus).toBe(SessionStatus.Opened);
      const hello = await connectClient(schemaApp);
      const bound = await helloSession(hello);
      const own = { profileId: 2, schemaId: 0x11223344, schemaVersion: 0x55667788 };
      expect((await expectAnswered(bound, bindingSubmit(own))).length).toBeGreaterThan(0);
      await expectFrameError(
        hello,
        bound,
        bindingSubmit({ ...own, profileId: 1 }),
        SchemaErrorCode.Incompatible,
      );
    });
  });

  it('l1.schema.descriptor.flags.validation: schema_flags bits are the public cacheable/critical/default_bindable/hash_stable vocabulary, nothing else', async () => {
    expect([
      SchemaFlag.Cacheable,
      SchemaFlag.Critical,
      SchemaFlag.DefaultBindable,
      SchemaFlag.HashStable,
    ]).toEqual([1, 2, 4, 8]);
    for (let flags = 0; flags <= 0x0f; flags++) {
      const descriptor = schema(0x2300 + flags, 1, { schemaFlags: flags });
      expect(
        decodeSchemaDescriptorHeader(encodeSchemaDescriptorHeader(descriptor)).schemaFlags,
      ).toBe(flags);
      // The registry keeps the bits as given and does not bind differently because of them.
      expect(app.transport.schemas.install(descriptor).ok).toBe(true);
      expect(app.transport.schemas.get(0x2300 + flags, 1)?.schemaFlags).toBe(flags);
      expect(
        app.transport.schemas.validateDescriptorBinding({
          profileId: 2,
          schemaId: 0x2300 + flags,
          schemaVersion: 1,
        }),
      ).toBeUndefined();
    }
    const valid = encodeSchemaDescriptorHeader(schema(0x2400, 1));
    for (let bit = 4; bit < 16; bit++) {
      const bad = Buffer.from(valid);
      bad.writeUInt16LE(1 << bit, 10);
      expect(protocolErrorOf(() => decodeSchemaDescriptorHeader(bad))?.kind).toBe(
        NnrpErrorKind.ReservedBitsSet,
      );
      expect(
        protocolErrorOf(() =>
          encodeSchemaDescriptorHeader(schema(0x2400, 1, { schemaFlags: 1 << bit })),
        )?.kind,
      ).toBe(NnrpErrorKind.ReservedBitsSet);
    }
    // On the wire, a schema with every flag set binds sessions and payloads like any other.
    const flagged = { profileId: 2, schemaId: 0x230f, schemaVersion: 1 };
    expect((await WirePeer.openOn(app.port, flagged)).ack.sessionStatus).toBe(SessionStatus.Opened);
    expect((await expectAnswered(session, bindingSubmit(flagged))).length).toBeGreaterThan(0);
  });

  it('l1.schema.descriptor.default_stream.validation: an append-stream schema streams one delta per partial; a single-shot schema answers once', async () => {
    for (const semantics of [0, 1, 2, 3, 4, 5, 0xffff]) {
      const descriptor = schema(0x2500, 1, { defaultStreamSemantics: semantics });
      expect(
        decodeSchemaDescriptorHeader(encodeSchemaDescriptorHeader(descriptor))
          .defaultStreamSemantics,
      ).toBe(semantics);
    }
    expect(TOKEN_DELTA_SCHEMA_DESCRIPTOR.defaultStreamSemantics).toBe(2);
    expect(app.transport.schemas.install(schema(0x2501, 1, { defaultStreamSemantics: 1 })).ok).toBe(
      true,
    );
    const rust = await connectClient(app);
    const token = await openSession(rust, TOKEN_SESSION);
    const submitBound = (schemaId: number, schemaVersion: number, streamSemantics: number) => {
      const build = buildTypedPayloadBody({
        payloadKindBitmap: 0x2,
        frames: ['a', 'b', 'c'].map((text) => ({
          profileId: 2,
          schemaId,
          schemaVersion,
          streamSemantics,
          descriptorFlags: 0x2,
          payload: Buffer.from(text),
        })),
      });
      return token.submit(
        build.body,
        tokenRoute(Route.schemaStream, { metadata: { payloadFrameCount: 3 } }),
      ).done;
    };
    const framesOf = (outcome: FrameOutcome) => {
      if (outcome.kind !== 'result') throw new Error('expected a result');
      return [...outcome.partials, outcome].map((event) =>
        decodeTypedPayloadBody(event.metadata, event.body).map(
          ({ descriptor, payload }) => `${payload.toString()}@${descriptor.streamSemantics}`,
        ),
      );
    };
    expect(framesOf(await submitBound(0x1001, 3, 2))).toEqual([['a@2'], ['b@2'], ['c@2']]);
    expect(framesOf(await submitBound(0x2501, 1, 1))).toEqual([['a@1', 'b@1', 'c@1']]);
  });

  it('l1.schema.registry.install_update.validation: installs, re-installs and updates schemas with stable outcomes, and refuses a hash conflict', async () => {
    const schemas = app.transport.schemas;
    const v1 = schema(0x5001, 1);
    const unknown = { profileId: 2, schemaId: 0x5001, schemaVersion: 1 };
    expect((await WirePeer.openOn(app.port, { ...unknown })).ack.sessionErrorCode).toBe(
      SessionErrorCode.SchemaUnsupported,
    );
    await expectFrameError(client, session, bindingSubmit(unknown), SchemaErrorCode.Unknown);
    expect(schemas.install(v1)).toEqual({ ok: true, outcome: SchemaRegistryOutcome.Installed });
    expect(schemas.install(v1)).toEqual({
      ok: true,
      outcome: SchemaRegistryOutcome.AlreadyInstalled,
    });
    expect(schemas.install({ ...v1, schemaHash: 1n })).toEqual({
      ok: false,
      code: SchemaErrorCode.HashConflict,
    });
    expect(schemas.get(0x5001, 1)?.schemaHash).toBe(v1.schemaHash);
    expect(schemas.install(schema(0x5001, 2))).toEqual({
      ok: true,
      outcome: SchemaRegistryOutcome.Updated,
    });
    expect((await WirePeer.openOn(app.port, { ...unknown })).ack.sessionStatus).toBe(
      SessionStatus.Opened,
    );
    await expectFrameError(
      client,
      session,
      bindingSubmit({ ...unknown, schemaVersion: 9 }),
      SchemaErrorCode.VersionUnknown,
    );
    expect(
      (await expectAnswered(session, bindingSubmit({ ...unknown, schemaVersion: 2 }))).length,
    ).toBeGreaterThan(0);
  });

  it('l1.schema.registry.invalidate_conflict.validation: reports schema_incompatible, schema_dependency_missing and schema_update_rejected, and invalidates cleanly', async () => {
    const schemas = app.transport.schemas;
    const binding = { profileId: 2, schemaId: 0x6001, schemaVersion: 1 };
    expect(schemas.install(schema(0x6001, 1)).ok).toBe(true);
    await expectFrameError(
      client,
      session,
      bindingSubmit({ ...binding, profileId: 1 }),
      SchemaErrorCode.Incompatible,
    );
    const needsBase = schema(0x6003, 1, { dependencyCount: 1 });
    const base = { schemaId: 0x6002, schemaVersion: 1 };
    expect(schemas.install(needsBase, [base])).toEqual({
      ok: false,
      code: SchemaErrorCode.DependencyMissing,
    });
    expect(schemas.has(0x6003, 1)).toBe(false);
    expect(schemas.install(schema(0x6002, 1)).ok).toBe(true);
    expect(schemas.install(needsBase, [base])).toEqual({
      ok: true,
      outcome: SchemaRegistryOutcome.Installed,
    });
    expect(schemas.install(schema(0x6004, 1, { profileId: 5 }))).toEqual({
      ok: false,
      code: SchemaErrorCode.UpdateRejected,
    });
    await expectFrameError(
      client,
      session,
      bindingSubmit({ ...binding, profileId: 5 }),
      SchemaErrorCode.UpdateRejected,
    );
    expect(schemas.invalidate(0x6001, 1)).toEqual({
      ok: true,
      outcome: SchemaRegistryOutcome.Invalidated,
    });
    expect(schemas.invalidate(0x6001, 1)).toEqual({
      ok: false,
      code: SchemaErrorCode.VersionUnknown,
    });
    await expectFrameError(client, session, bindingSubmit(binding), SchemaErrorCode.Unknown);
    expect((await WirePeer.openOn(app.port, binding)).ack.sessionErrorCode).toBe(
      SessionErrorCode.SchemaUnsupported,
    );
  });
});
