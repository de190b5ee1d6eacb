import { SessionErrorCode } from '@nest-nnrp/protocol';
import { ClientSession, NnrpClientError } from '@nest-nnrp/nest';
import { BehaviourController, Route } from '../support/behaviour-controller';
import { CARRIER_MODES } from '../support/carrier-mode';
import { EngineEventCounter } from '../support/engine-event-counter';
import { FrameProbe } from '../support/frame-probe';
import { startNnrpTestApp } from '../support/nnrp-test-app';
import {
  connectClient,
  connectRawPeer,
  destroyClients,
  TOKEN_SESSION,
} from '../support/nnrp-test-client';
import { rawSessionOpen } from '../support/raw-packets';
import { waitUntil } from '../support/wait-until';

const TOKEN = { payloadKindBitmap: 2 } as const;

async function echoes(session: ClientSession): Promise<boolean> {
  return (await session.submit(Buffer.from('ok'), TOKEN).done).kind === 'result';
}

describe.each(CARRIER_MODES)('connection and session limits over %s', (mode) => {
  afterEach(() => destroyClients());

  it('closes connections over maxConnections at once; a freed slot is reused', async () => {
    const events = new EngineEventCounter();
    const server = await startNnrpTestApp(
      [BehaviourController],
      { events, limits: { maxConnections: 3 } },
      [FrameProbe],
      mode,
    );
    try {
      const clients = await Promise.all([1, 2, 3].map(() => connectClient(server)));
      const sessions = await Promise.all(clients.map((c) => c.openSession(TOKEN_SESSION)));
      // Refused on accept, before reading anything: TCP accepts and closes at once; QUIC may
      // also refuse the handshake itself.
      const extra = await connectRawPeer(server).catch(() => undefined);
      if (extra !== undefined) {
        extra.write(rawSessionOpen());
        expect(await extra.waitClosed(5000)).toBe(true);
        expect(extra.bytesReceived).toBe(0);
      }
      for (const session of sessions) expect(await echoes(session)).toBe(true);
      await clients[0].destroy();
      await waitUntil(() => events.openConnections === 2, 'the server to free the slot');
      const again = await connectClient(server);
      expect(await echoes(await again.openSession(TOKEN_SESSION))).toBe(true);
    } finally {
      await destroyClients();
      await server.close();
    }
  });

  it('refuses a session over maxSessionsPerConnection with LIMIT_REACHED, keeping the others', async () => {
    const server = await startNnrpTestApp(
      [BehaviourController],
      { limits: { maxSessionsPerConnection: 3 } },
      [FrameProbe],
      mode,
    );
    try {
      const client = await connectClient(server);
      const sessions = await Promise.all([1, 2, 3].map(() => client.openSession(TOKEN_SESSION)));
      const refused = (await client
        .openSession(TOKEN_SESSION)
        .catch((e: unknown) => e)) as NnrpClientError;
      expect(refused.openAck?.sessionErrorCode).toBe(SessionErrorCode.LimitReached);
      expect(refused.openAck?.sessionId).toBe(0);
      expect(client.isClosed).toBe(false);
      for (const session of sessions) expect(await echoes(session)).toBe(true);
      await sessions[0].close();
      expect(await echoes(await client.openSession(TOKEN_SESSION))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('refuses submits over maxInFlightPerConnection across sessions, at once', async () => {
    const events = new EngineEventCounter();
    const server = await startNnrpTestApp(
      [BehaviourController],
      { events, profile: { maxInFlightPerSession: 4, maxInFlightPerConnection: 5 } },
      [FrameProbe],
      mode,
    );
    try {
      const client = await connectClient(server);
      const a = await client.openSession(TOKEN_SESSION);
      const b = await client.openSession(TOKEN_SESSION);
      const slow = { routeId: Route.sleep, ...TOKEN };
      const busy = [1, 2, 3, 4].map(() => a.submit(Buffer.from('400'), slow));
      const fifth = b.submit(Buffer.from('400'), slow);
      const sixth = b.submit(Buffer.from('400'), slow);
      // The sixth is over the connection's limit although its session has room: dropped now.
      expect((await sixth.done).kind).toBe('drop');
      expect(fifth.settled).toBe(false);
      expect(busy.some((call) => call.settled)).toBe(false);
      expect(events.refused.get('overload')).toBe(1);
      expect(b.flowUpdates.length).toBeGreaterThan(0);
      expect((await fifth.done).kind).toBe('result');
    } finally {
      await server.close();
    }
  });
});
