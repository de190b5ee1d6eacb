import {
  encodeCachePut,
  encodeFlowUpdate,
  encodePacket,
  FlowScopeKind,
  HEADER_LEN,
  MessageType,
} from '@nest-nnrp/protocol';
import { RawPeer } from '../../bench/fuzz/raw-peer';
import { BehaviourController } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectRawPeer, destroyClients } from '../support/nnrp-test-client';
import { rawSessionOpen } from '../support/raw-packets';
import { retainedBufferBytes, retainedBytes, settledBaseline } from '../support/retained-memory';
import { waitUntil } from '../support/wait-until';

const MIB = 1024 * 1024;
const ACT_WITHIN_MS = 3000;

/** A header of `type` announcing lengths, with nothing behind it. */
function announce(type: MessageType, metaLen: number, bodyLen: number): Buffer {
  const header = encodePacket({ messageType: type });
  header.writeUInt32LE(metaLen, 12);
  header.writeUInt32LE(bodyLen, 16);
  return header.subarray(0, HEADER_LEN);
}

async function handshaken(server: NnrpTestApp): Promise<RawPeer> {
  const peer = await connectRawPeer(server);
  peer.write(rawSessionOpen());
  expect(await peer.waitFor(() => peer.ackSessionId !== undefined, ACT_WITHIN_MS)).toBe(true);
  return peer;
}

describe.each(CARRIER_MODES)(
  'length caps are checked before anything is allocated over %s',
  (mode) => {
    let server: NnrpTestApp;

    beforeAll(async () => {
      server = await startNnrpTestApp([BehaviourController], {}, [FrameProbe], mode);
    });
    afterEach(() => destroyClients());
    afterAll(() => server.close());

    it.each([
      ['body_len 2^32 − 1', 0, 0xffffffff],
      ['meta_len 2^32 − 1', 0xffffffff, 0],
      ['meta_len + body_len overflowing u32', 0x80000000, 0x80000000],
      ['body_len one over the 32 MiB cap', 0, 32 * MIB + 1],
    ])(
      'refuses a header announcing %s, first packet or later, allocating nothing',
      async (_n, meta, body) => {
        const before = await settledBaseline(retainedBufferBytes);
        for (const first of [true, false]) {
          const peer = first ? await connectRawPeer(server) : await handshaken(server);
          peer.write(announce(MessageType.FrameSubmit, meta, body));
          expect(await peer.waitClosed(ACT_WITHIN_MS)).toBe(true);
          expect(peer.errors.map((e) => e.isFatal)).toEqual([true]);
        }
        expect(retainedBufferBytes() - before).toBeLessThan(MIB);
      },
    );

    it('reserves no memory for bodies announced at the cap and never sent (O2)', async () => {
      const rssBefore = process.memoryUsage.rss();
      const buffersBefore = process.memoryUsage().arrayBuffers;
      const peers = await Promise.all(Array.from({ length: 16 }, () => connectRawPeer(server)));
      // 16 × 32 MiB announced; each sends one byte of its body, then waits.
      for (const peer of peers) {
        peer.write(
          Buffer.concat([announce(MessageType.SessionOpen, 48, 32 * MIB - 48), Buffer.alloc(1)]),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Neither resident pages nor reserved (external) buffers: the framer grows with what arrives.
      expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(128 * MIB);
      expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(32 * MIB);
      expect(peers.every((peer) => !peer.isClosed)).toBe(true);
      for (const peer of peers) peer.destroy();
    });
  },
);

describe.each(CARRIER_MODES)('memory a client cannot make the server hold over %s', (mode) => {
  afterEach(() => destroyClients());
  // Server bug (docs/reliability.md, "pre-auth buffering"): while an asynchronous auth policy
  // runs, ServerConnection.onPacket queues every packet (up to maxPendingPackets, each up to
  // maxBodyBytes) without pausing the socket: an unauthenticated client can make the server
  // hold maxPendingPackets × maxBodyBytes (2 GiB with the defaults).
  it('holds little of what an unauthenticated client pipelines behind its handshake', async () => {
    let release: () => void = () => undefined;
    let bytesIn = 0;
    const server = await startNnrpTestApp(
      [BehaviourController],
      {
        events: { bytes: (direction, count) => (bytesIn += direction === 'in' ? count : 0) },
        profile: { maxBodyBytes: MIB },
        auth: { authorize: () => new Promise((resolve) => (release = () => resolve(false))) },
      },
      [FrameProbe],
      mode,
    );
    try {
      const before = await settledBaseline(retainedBufferBytes);
      const peer = await connectRawPeer(server);
      peer.write(rawSessionOpen());
      const object = Buffer.alloc(MIB - 64, 0x61);
      const put = encodePacket(
        { messageType: MessageType.CachePut, sessionId: 1 },
        encodeCachePut({
          cacheNamespace: 0,
          cacheKeyHi: 0,
          cacheKeyLo: 0,
          objectKind: 1,
          ttlMs: 0,
          objectBytes: object.length,
          codecBitmap: 0,
          flags: 0,
        }),
        object,
      );
      for (let i = 0; i < 60; i++) peer.write(put);
      // Measured once the server has read all of it (or stopped reading: then it holds none).
      await waitUntil(() => bytesIn >= 60 * put.length, 'the server to read', 2000).catch(
        () => undefined,
      );
      const held = retainedBufferBytes() - before;
      release();
      expect(await peer.waitClosed(ACT_WITHIN_MS)).toBe(true);
      expect(held).toBeLessThan(16 * MIB);
    } finally {
      release();
      await server.close();
    }
  });

  /** Sends `count` operation-scope FLOW_UPDATEs, then waits for a PONG: all were processed. */
  async function flowUpdates(peer: RawPeer, count: number, operationOf: (i: number) => number) {
    const batch: Buffer[] = [];
    for (let i = 1; i <= count; i++) {
      batch.push(
        encodePacket(
          { messageType: MessageType.FlowUpdate, sessionId: peer.ackSessionId },
          encodeFlowUpdate({
            scopeKind: FlowScopeKind.Operation,
            updateReason: 0,
            backpressureLevel: 0,
            connectionCredit: 0,
            sessionCredit: 0,
            operationCredit: 1,
            operationId: BigInt(operationOf(i)),
            retryAfterMs: 0,
            creditEpoch: i,
            flowFlags: 0,
          }),
        ),
      );
      if (batch.length === 1000) peer.write(Buffer.concat(batch.splice(0)));
    }
    peer.write(Buffer.concat([...batch, encodePacket({ messageType: MessageType.Ping })]));
    expect(await peer.waitFor(() => peer.count(MessageType.Pong) === 1, 10_000)).toBe(true);
  }

  it.each([
    // The control: one operation named 200,000 times (the measurement itself is sound).
    ['the same operation', () => 1],
    // Server bug (docs/reliability.md, "FLOW_UPDATE epochs"): ServerConnection.onFlowUpdate
    // keeps one map entry per (scope, session, operation id) named, for operations that do not
    // exist too, for the connection's lifetime.
    ['ever new operations', (i: number) => i],
  ])('does not grow with operation-scope FLOW_UPDATEs naming %s', async (_n, operationOf) => {
    const server = await startNnrpTestApp([BehaviourController], {}, [FrameProbe], mode);
    try {
      const peer = await handshaken(server);
      const before = await settledBaseline(retainedBytes);
      await flowUpdates(peer, 200_000, operationOf);
      const grown = (await settledBaseline(retainedBytes)) - before;
      peer.destroy();
      expect(grown).toBeLessThan(4 * MIB);
    } finally {
      await server.close();
    }
  });
});
