import { BehaviourController, Route } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { CARRIER_MODES } from '../support/carrier-mode';
import { startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';

describe.each(CARRIER_MODES)('graceful shutdown with frames in flight over %s', (mode) => {
  afterEach(() => destroyClients());

  it('drains what finishes in time, drops the rest, closes connections, and returns promptly', async () => {
    const server = await startNnrpTestApp(
      [BehaviourController],
      { shutdownDrainMs: 150 },
      [FrameProbe],
      mode,
    );
    const probe = server.app.get(FrameProbe);
    const client = await connectClient(server);
    const session = await client.openSession(TOKEN_SESSION);
    const quick = session.submit(Buffer.from('20'), { routeId: Route.sleep, payloadKindBitmap: 2 });
    const stuck = session.submit(Buffer.alloc(0), { routeId: Route.never, payloadKindBitmap: 2 });
    while (probe.invoked.length < 2) await new Promise((r) => setTimeout(r, 2));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await quick.done).kind).toBe('result');
    expect((await stuck.done).kind).toBe('drop');
    expect(await probe.waitAborted(stuck.frameId)).toBe(true);
    await client.closed;
    expect(client.violations).toEqual([]);
  });

  it('refuses new connections once closing and leaves no handle open', async () => {
    const server = await startNnrpTestApp([BehaviourController], {}, [FrameProbe], mode);
    await server.close();
    await expect(connectClient(server)).rejects.toThrow();
  });
});
