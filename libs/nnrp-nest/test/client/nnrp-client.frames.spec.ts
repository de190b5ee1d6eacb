import {
  decodeFrameSubmit,
  encodeHeader,
  MessageType,
  PayloadKind,
  ResultFlag,
} from '@nest-nnrp/protocol';
import { FrameResult, isNnrpClientError, ResultEvent } from '../../src/client';
import { helloSession, openedSession, packetsHandled, useScriptedPeer } from './client-fixture';
import { dropPacket, resultPacket } from './scripted-packets';

describe('NnrpClient frames', () => {
  const scripted = useScriptedPeer();

  it('numbers frames from 1 and sends an all-zero FRAME_SUBMIT with the payload kinds asked for', async () => {
    const { session, peer } = await openedSession(await scripted.connect(), 5);
    const first = session.submit(Buffer.from('a'), { payloadKindBitmap: PayloadKind.TokenChunk });
    const second = session.submit(Buffer.from('bb'), { routeId: 3, viewId: 2, traceId: 99n });

    const submit1 = await peer.expectPacket(MessageType.FrameSubmit);
    const submit2 = await peer.expectPacket(MessageType.FrameSubmit);
    expect([first.frameId, second.frameId]).toEqual([1, 2]);
    expect(submit1.header).toMatchObject({ sessionId: 5, frameId: 1, metaLen: 72, bodyLen: 1 });
    expect(decodeFrameSubmit(submit1.metadata).payloadKindBitmap).toBe(PayloadKind.TokenChunk);
    expect(submit1.metadata.subarray(0, 64).every((byte) => byte === 0)).toBe(true);
    expect(submit2.header).toMatchObject({ frameId: 2, routeId: 3, viewId: 2, traceId: 99n });
    expect(submit2.body.toString()).toBe('bb');
  });

  it('continues after an explicit frame id', async () => {
    const { session } = await openedSession(await scripted.connect());
    expect(session.submit(Buffer.alloc(0), { frameId: 10 }).frameId).toBe(10);
    expect(session.submit(Buffer.alloc(0)).frameId).toBe(11);
  });

  it('collects partial results and settles done with the terminal result', async () => {
    const { session, peer, client } = await helloSession(await scripted.connect(), 7);
    const call = session.submit(Buffer.from('prompt'));
    const seen: string[] = [];
    call.onPartial((event: ResultEvent) => seen.push(event.body.toString()));
    await peer.expectPacket(MessageType.FrameSubmit);

    peer.sendRaw(resultPacket(7, 1, 'he', 'flag'));
    peer.sendRaw(resultPacket(7, 1, 'll', 'class'));
    peer.sendRaw(resultPacket(7, 1, 'o', 'both'));
    peer.sendRaw(resultPacket(7, 1, 'hello'));
    const outcome = (await call.done) as FrameResult;

    expect(outcome.kind).toBe('result');
    expect(outcome.body.toString()).toBe('hello');
    expect(outcome.partials.map((p) => p.body.toString())).toEqual(['he', 'll', 'o']);
    expect(outcome.partials[0].metadata.resultFlags & ResultFlag.Partial).toBe(ResultFlag.Partial);
    expect(seen).toEqual(['he', 'll', 'o']);
    expect(call.settled).toBe(true);
    expect(session.lastResultFrameId).toBe(1);
    expect(session.pendingFrames).toBe(0);
    expect(client.violations).toEqual([]);
  });

  it('settles done with a drop on RESULT_DROP', async () => {
    const { session, peer } = await openedSession(await scripted.connect(), 2);
    const call = session.submit(Buffer.from('x'));
    await peer.expectPacket(MessageType.FrameSubmit);
    peer.sendRaw(resultPacket(2, 1, 'part', 'both'));
    peer.sendRaw(dropPacket(2, 1));
    const outcome = await call.done;
    expect(outcome.kind).toBe('drop');
    expect(outcome.header.frameId).toBe(1);
    expect(outcome.partials).toHaveLength(1);
  });

  it('demultiplexes interleaved frames and sessions', async () => {
    const { client, peer, session } = await openedSession(await scripted.connect(), 1);
    const other = await openedSession({ client, peer }, 2);
    const a = session.submit(Buffer.from('a'));
    const b = session.submit(Buffer.from('b'));
    const c = other.session.submit(Buffer.from('c'));
    peer.sendTogether([resultPacket(1, 2, 'B'), resultPacket(2, 1, 'C'), resultPacket(1, 1, 'A')]);
    const bodies = await Promise.all(
      [a, b, c].map(async (call) => ((await call.done) as FrameResult).body.toString()),
    );
    expect(bodies).toEqual(['A', 'B', 'C']);
  });

  it('records anything after a terminal answer as a violation and keeps done settled once', async () => {
    const { session, peer, client } = await openedSession(await scripted.connect(), 3);
    const call = session.submit(Buffer.from('x'));
    const handled = packetsHandled(client, 3);
    peer.sendTogether([resultPacket(3, 1, 'final'), dropPacket(3, 1), resultPacket(3, 1, 'late')]);
    const outcome = (await call.done) as FrameResult;
    expect(outcome.body.toString()).toBe('final');
    await handled;
    expect(client.violations.map((v) => [v.kind, v.messageType, v.frameId])).toEqual([
      ['after-terminal', MessageType.ResultDrop, 1],
      ['after-terminal', MessageType.ResultPush, 1],
    ]);
  });

  it('records results for frames never submitted and for unknown sessions', async () => {
    const { peer, client } = await openedSession(await scripted.connect(), 3);
    const handled = packetsHandled(client, 2);
    peer.sendTogether([resultPacket(3, 9, 'x'), dropPacket(8, 1)]);
    await handled;
    expect(client.violations.map((v) => v.kind)).toEqual(['unknown-frame', 'unknown-session']);
  });

  it('sends FRAME_CANCEL as a header-only packet for the frame', async () => {
    const { session, peer } = await openedSession(await scripted.connect(), 4);
    session.submit(Buffer.from('x'));
    await peer.expectPacket(MessageType.FrameSubmit);
    session.cancel(1);
    const cancel = await peer.expectPacket(MessageType.FrameCancel);
    // Header-only: type 0x11, meta_len 0, body_len 0, session 4, frame 1.
    expect(encodeHeader(cancel.header).toString('hex')).toBe(
      '4e4e5250010011280000000000000000000000000400000001000000000000000000000000000000',
    );
    expect(cancel.metadata.length + cancel.body.length).toBe(0);
    expect(session.timeline.at(-1)).toEqual({
      direction: 'out',
      messageType: MessageType.FrameCancel,
      frameId: 1,
    });
  });

  it('refuses uni-stream submits on TCP and metadata the codec refuses', async () => {
    const { session } = await openedSession(await scripted.connect(), 4);
    expect(() => session.submit(Buffer.alloc(0), { uni: true })).toThrow(
      expect.objectContaining({ kind: 'unsupported' }),
    );
    expect(() => session.submit(Buffer.alloc(0), { payloadKindBitmap: 0x80 })).toThrow(
      /payload_kind_bitmap/,
    );
    expect(session.pendingFrames).toBe(0);
  });

  it('reports backpressure and resolves drain once the queue is flushed', async () => {
    const { session, peer, client } = await openedSession(await scripted.connect(), 4);
    await client.drain();
    // Far more than the socket buffers and the kernel take at once.
    const body = Buffer.alloc(16 * 1024 * 1024, 7);
    session.submit(body);
    expect(client.writable).toBe(false);
    await client.drain();
    expect(client.writable).toBe(true);
    const submit = await peer.expectPacket(MessageType.FrameSubmit);
    expect(submit.body.equals(body)).toBe(true);
  });

  it('rejects pending calls with kind closed when the connection closes', async () => {
    const { session, peer, client } = await openedSession(await scripted.connect(), 6);
    const call = session.submit(Buffer.from('x'));
    peer.sendRaw(resultPacket(6, 1, 'p', 'both'));
    await new Promise<void>((resolve) => call.onPartial(() => resolve()));
    peer.destroy();
    const error = await call.done.catch((e: unknown) => e);
    expect(isNnrpClientError(error, 'closed')).toBe(true);
    expect(call.partials).toHaveLength(1);
    await client.closed;
    expect(client.isClosed).toBe(true);
    expect(() => session.submit(Buffer.alloc(0))).toThrow(
      expect.objectContaining({ kind: 'closed' }),
    );
  });
});
