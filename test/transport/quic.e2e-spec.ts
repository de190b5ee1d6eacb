import { NnrpClient } from '@nest-nnrp/nest';
import { UdpLossyRelay } from '../../libs/nnrp-nest/test/carriers/udp-lossy-relay';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';

const FRAMES = 200;

describe.each(['quic-bidi', 'quic-uni'] as const)('QUIC specifics over %s', (mode) => {
  let server: NnrpTestApp;

  beforeAll(async () => {
    server = await startNnrpTestApp(
      [BehaviourController],
      { profile: { maxInFlightPerSession: FRAMES } },
      [FrameProbe],
      mode,
    );
  });
  afterEach(() => destroyClients());
  afterAll(() => server.close());

  it('refuses a client with the wrong ALPN cleanly and keeps serving', async () => {
    await expect(
      NnrpClient.connect({
        quic: { host: '127.0.0.1', port: server.port, ca: server.certificatePem, alpn: 'h3' },
      }),
    ).rejects.toThrow();
    const client = await connectClient(server);
    const session = await client.openSession(TOKEN_SESSION);
    expect((await session.submit(Buffer.from('ok'), { payloadKindBitmap: 2 }).done).kind).toBe(
      'result',
    );
  });

  it('gives every frame exactly one terminal answer through 5% loss and reordering', async () => {
    const relay = await UdpLossyRelay.start({
      targetHost: '127.0.0.1',
      targetPort: server.port,
      lossRate: 0.05,
      reorderRate: 0.05,
      reorderDelayMs: 3,
      seed: 42,
    });
    try {
      const client = await connectClient({ ...server, port: relay.port });
      const session = await client.openSession(TOKEN_SESSION);
      const calls = Array.from({ length: FRAMES }, (_, i) =>
        session.submit(Buffer.from(String(i % 3)), {
          routeId: i % 10 === 0 ? Route.never : Route.sleep,
          metadata: { payloadKindBitmap: 2, latencyBudgetMs: i % 10 === 0 ? 50 : 0 },
        }),
      );
      const outcomes = await Promise.all(calls.map((call) => call.done));
      // The never-settling tenth times out; everything else completes, despite the losses.
      outcomes.forEach((outcome, i) => expect(outcome.kind).toBe(i % 10 === 0 ? 'drop' : 'result'));
      expect(client.violations).toEqual([]);
      expect(relay.stats.dropped).toBeGreaterThan(0);
    } finally {
      await relay.close();
    }
  }, 30_000);
});
