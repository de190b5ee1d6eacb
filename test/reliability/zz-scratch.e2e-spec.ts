import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodePacket, encodeSessionOpen, MessageType } from '@nest-nnrp/protocol';
import { DEFAULT_SESSION_OPEN } from '@nest-nnrp/nest';
import { BehaviourController } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { startNnrpTestApp } from '../support/nnrp-test-app';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

it('preauth', async () => {
  const server = await startNnrpTestApp([BehaviourController], { auth: { authorize: () => new Promise((r) => setTimeout(() => r(false), 1500)) } }, [FrameProbe]);
  const socket = connect({ port: server.port, host: '127.0.0.1' });
  await new Promise((r) => socket.once('connect', r));
  socket.on('data', () => undefined);
  gc(); const before = process.memoryUsage();
  socket.write(encodePacket({ messageType: MessageType.SessionOpen }, encodeSessionOpen({ ...DEFAULT_SESSION_OPEN })));
  const big = Buffer.alloc(2 * 1024 * 1024, 1);
  for (let i = 0; i < 60; i++) socket.write(encodePacket({ messageType: MessageType.CachePut, sessionId: 1 }, Buffer.alloc(32), big));
  await new Promise((r) => setTimeout(r, 1000));
  gc(); const after = process.memoryUsage();
  console.log('arrayBuffers growth MB', (after.arrayBuffers - before.arrayBuffers) / 1e6, 'rss', (after.rss - before.rss) / 1e6);
  socket.destroy();
  await server.close();
});
