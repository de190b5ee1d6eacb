import {
  decodeClientHello,
  decodeFrameSubmit,
  decodeSessionOpen,
  MessageType,
  PayloadKind,
} from '@nest-nnrp/protocol';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { ClientNnrp, ClientNnrpOptions, NnrpClient, ProtocolViolation } from '../../src/client';
import { packetsHandled } from './client-fixture';
import { dropPacket, helloAckPacket, openAckPacket, resultPacket } from './scripted-packets';
import { PeerConnection, ScriptedPeer } from './scripted-peer';

describe('ClientNnrp', () => {
  let scripted: ScriptedPeer;
  let proxy: ClientNnrp | undefined;

  beforeEach(async () => {
    scripted = await ScriptedPeer.start();
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await scripted.stop();
  });

  /** Connects a proxy; the peer answers its handshake with session `sessionId`. */
  async function connectProxy(
    options: Omit<ClientNnrpOptions, 'tcp'>,
    sessionId: number,
  ): Promise<PeerConnection> {
    proxy = new ClientNnrp({ ...options, ...scripted.target } as ClientNnrpOptions);
    const connecting = proxy.connect();
    const peer = await scripted.nextConnection();
    const first = await peer.nextPacket();
    if (first.header.messageType === MessageType.ClientHello) {
      peer.sendRaw(helloAckPacket(sessionId, decodeClientHello(first.metadata)));
    } else {
      peer.sendRaw(openAckPacket(decodeSessionOpen(first.metadata), { sessionId }));
    }
    await connecting;
    return peer;
  }

  it('send emits every partial and the final body, then completes', async () => {
    const peer = await connectProxy({ flow: 'hello' }, 7);
    const statuses: string[] = [];
    proxy!.status.subscribe((status) => statuses.push(status));
    const bodies = lastValueFrom(proxy!.send<Buffer>('generate', 'prompt').pipe(toArray()));
    const submit = await peer.expectPacket(MessageType.FrameSubmit);
    expect(submit.header).toMatchObject({ sessionId: 7, frameId: 1 });
    expect(submit.body.toString()).toBe('prompt');
    peer.sendRaw(resultPacket(7, 1, 'a', 'both'));
    peer.sendRaw(resultPacket(7, 1, 'b', 'both'));
    peer.sendRaw(resultPacket(7, 1, 'ab'));
    const received = await bodies;
    expect(received.every((body) => Buffer.isBuffer(body))).toBe(true);
    expect(received.map((body) => body.toString())).toEqual(['a', 'b', 'ab']);
    expect(statuses).toEqual(['connected']);
  });

  it('send errors with kind drop on RESULT_DROP', async () => {
    const peer = await connectProxy({ flow: 'open' }, 3);
    const result = firstValueFrom(proxy!.send('x', Buffer.from([1, 2, 3])));
    const submit = await peer.expectPacket(MessageType.FrameSubmit);
    expect([...submit.body]).toEqual([1, 2, 3]);
    peer.sendRaw(dropPacket(3, 1));
    await expect(result).rejects.toMatchObject({
      name: 'NnrpClientError',
      kind: 'drop',
      frameId: 1,
    });
  });

  it('encodes objects as JSON, applies submit defaults and the pattern header fields', async () => {
    const peer = await connectProxy(
      {
        flow: 'open',
        submitDefaults: { payloadKindBitmap: PayloadKind.StructuredEvent, routeId: 1 },
      },
      4,
    );
    const result = firstValueFrom(proxy!.send({ routeId: 5, viewId: 6 }, { prompt: 'hi' }));
    const submit = await peer.expectPacket(MessageType.FrameSubmit);
    expect(submit.header).toMatchObject({ routeId: 5, viewId: 6 });
    expect(JSON.parse(submit.body.toString())).toEqual({ prompt: 'hi' });
    expect(decodeFrameSubmit(submit.metadata).payloadKindBitmap).toBe(PayloadKind.StructuredEvent);
    peer.sendRaw(resultPacket(4, 1, 'ok'));
    expect((await result).toString()).toBe('ok');
  });

  it('cancels the frame when the subscriber leaves before the answer', async () => {
    const peer = await connectProxy({ flow: 'hello' }, 7);
    const subscription = proxy!.send('x', 'slow').subscribe({ error: () => undefined });
    await peer.expectPacket(MessageType.FrameSubmit);
    subscription.unsubscribe();
    const cancel = await peer.expectPacket(MessageType.FrameCancel);
    expect(cancel.header).toMatchObject({ sessionId: 7, frameId: 1 });
  });

  it('emit submits and ignores the answer', async () => {
    const peer = await connectProxy({ flow: 'open' }, 2);
    await lastValueFrom(proxy!.emit('event', 'fire'), { defaultValue: undefined });
    const submit = await peer.expectPacket(MessageType.FrameSubmit);
    expect(submit.body.toString()).toBe('fire');
    const client = proxy!.unwrap<NnrpClient>();
    const handled = packetsHandled(client, 1);
    peer.sendRaw(dropPacket(2, 1));
    await handled;
    expect(client.sessions.get(2)?.pendingFrames).toBe(0);
    expect(client.violations).toEqual([]);
  });

  it('connects lazily on the first send and hooks client events with on()', async () => {
    proxy = new ClientNnrp({ flow: 'open', ...scripted.target });
    const violations: ProtocolViolation[] = [];
    proxy.on('violation', (violation) => violations.push(violation));
    expect(() => proxy!.unwrap()).toThrow(/connect/);
    const result = firstValueFrom(proxy.send('x', 'lazy'));
    const peer = await scripted.nextConnection();
    const open = await peer.expectPacket(MessageType.SessionOpen);
    peer.sendRaw(openAckPacket(decodeSessionOpen(open.metadata), { sessionId: 1 }));
    await peer.expectPacket(MessageType.FrameSubmit);
    peer.sendRaw(resultPacket(1, 9, 'stray'));
    peer.sendRaw(resultPacket(1, 1, 'done'));
    expect((await result).toString()).toBe('done');
    expect(violations.map((v) => v.kind)).toEqual(['unknown-frame']);
    expect(proxy.unwrap<NnrpClient>().flow).toBe('open');
  });

  it('fails connect with the handshake error and leaves nothing open', async () => {
    proxy = new ClientNnrp({ flow: 'open', open: { profileId: 9 }, ...scripted.target });
    const connecting = proxy.connect();
    const peer = await scripted.nextConnection();
    const open = await peer.expectPacket(MessageType.SessionOpen);
    peer.sendRaw(openAckPacket(decodeSessionOpen(open.metadata), { rejectWith: 0x00010002 }));
    await expect(connecting).rejects.toMatchObject({
      kind: 'rejected',
      sessionErrorCode: 0x00010002,
    });
    await peer.closed;
    expect(() => proxy!.unwrap()).toThrow();
  });
});
