import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { CarrierConnection } from '../../src/carriers/carrier-connection';
import { QuicCarrier, QuicCarrierError, connectQuic } from '../../src/carriers/quic';
import { QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL } from '../../src/carriers/quic/quic-wire-constants';
import { probeInitial } from './raw-quic-initial';
import {
  QuicTestBed,
  RecordingHandler,
  echoHandler,
  pattern,
  writeWithBackpressure,
} from './quic-test-bed';
import { UdpLossyRelay } from './udp-lossy-relay';

const KIB = 1024;
const MIB = KIB * KIB;
/** Generous bound for transfers on a shared 2-core machine (not a performance assertion). */
const TRANSFER_TEST_TIMEOUT_MS = 120_000;
const CONTROL_STREAM = 0;
const PROBE_REPLY_TIMEOUT_MS = 15_000;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('QuicCarrier over real UDP', () => {
  let bed: QuicTestBed;

  beforeEach(() => {
    bed = new QuicTestBed();
  });

  afterEach(async () => {
    await bed.dispose();
  });

  it('completes the handshake with ALPN nnrp/1 and surfaces the connection', async () => {
    const accepted: CarrierConnection[] = [];
    const listener = await bed.server((connection) => accepted.push(connection));
    expect(listener.carrier).toBe('quic');
    expect(listener.address.host).toBe('127.0.0.1');
    expect(listener.address.port).toBeGreaterThan(0);

    const client = await bed.client(listener);
    const clientHandler = new RecordingHandler();
    client.attach(clientHandler);
    expect(client.carrier).toBe('quic');
    expect(client.supportsUniStreams).toBe(true);
    expect(client.closed).toBe(false);
    expect(client.remotePort).toBe(listener.address.port);

    // The server surfaces the connection when the client's Finished arrives; a first write
    // from the client makes sure that has happened.
    client.write([Buffer.from('hello')]);
    const serverHandler = await new Promise<RecordingHandler>((resolve) => {
      const check = (): void => {
        if (accepted.length === 0) {
          setImmediate(check);
          return;
        }
        const handler = new RecordingHandler();
        accepted[0].attach(handler);
        resolve(handler);
      };
      check();
    });
    await serverHandler.until(() => serverHandler.byteCount(CONTROL_STREAM) === 5);
    expect(serverHandler.kinds.get(CONTROL_STREAM)).toBe('bidi');
    expect(serverHandler.bytes(CONTROL_STREAM).toString()).toBe('hello');
    expect(accepted[0].carrier).toBe('quic');
    expect(accepted[0].remoteAddress).toBe('127.0.0.1');
    expect(accepted[0].supportsUniStreams).toBe(true);
  });

  it(
    'echoes bytes on the first bidi stream both ways, 4 MiB under flow-control backpressure',
    async () => {
      const transport = {
        // Small windows and queues so that flow control and `write() === false` really engage.
        initialMaxStreamData: 256 * KIB,
        initialMaxData: 512 * KIB,
        streamHighWaterMark: 64 * KIB,
        connectionHighWaterMark: 256 * KIB,
      };
      const serverHandlers: RecordingHandler[] = [];
      const listener = await bed.server((connection) => {
        const handler = echoHandler(connection);
        serverHandlers.push(handler);
        connection.attach(handler);
      }, transport);
      const client = await bed.client(listener, transport);
      const clientHandler = new RecordingHandler();
      client.attach(clientHandler);

      // A short message first: the smallest round trip works.
      client.write([Buffer.from('ping')]);
      await clientHandler.until(() => clientHandler.byteCount(CONTROL_STREAM) === 4);
      expect(clientHandler.bytes(CONTROL_STREAM).toString()).toBe('ping');
      expect(clientHandler.kinds.get(CONTROL_STREAM)).toBe('bidi');

      const payload = pattern(4 * MIB, 1);
      const waits = await writeWithBackpressure(client, clientHandler, payload, 64 * KIB);
      await clientHandler.until(
        () => clientHandler.byteCount(CONTROL_STREAM) === 4 + payload.length,
      );
      const echoed = clientHandler.bytes(CONTROL_STREAM).subarray(4);
      expect(sha256(echoed)).toBe(sha256(payload));
      // Backpressure was exercised on both sides.
      expect(waits).toBeGreaterThan(0);
      expect(clientHandler.writableCalls).toBeGreaterThan(0);
      expect(serverHandlers[0].writableCalls).toBeGreaterThan(0);
      expect(client.bufferedBytes).toBe(0);
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );

  it(
    'answers 200 client uni streams (data + FIN) each on its own server uni stream (Python model)',
    async () => {
      const requests = 200;
      const serverHandlers: RecordingHandler[] = [];
      const listener = await bed.server((connection) => {
        const handler: RecordingHandler = new RecordingHandler({
          onStreamEnd(stream) {
            if (stream.kind !== 'uni') return;
            connection.writeOnNewUniStream([Buffer.from('response:'), handler.bytes(stream.id)]);
          },
        });
        serverHandlers.push(handler);
        connection.attach(handler);
      });
      const client = await bed.client(listener);
      const clientHandler = new RecordingHandler();
      client.attach(clientHandler);

      for (let i = 0; i < requests; i++) {
        client.writeOnNewUniStream([Buffer.from(`request-${i}:`), pattern(100 + i, i)]);
      }
      await clientHandler.until(() => clientHandler.ended.size === requests);

      const expected = new Set<string>();
      for (let i = 0; i < requests; i++) {
        expected.add(`response:request-${i}:${pattern(100 + i, i).toString('hex')}`);
      }
      const responses = new Set<string>();
      for (const streamId of clientHandler.ended) {
        expect(clientHandler.kinds.get(streamId)).toBe('uni');
        expect(streamId % 4).toBe(3); // server-initiated unidirectional
        const body = clientHandler.bytes(streamId);
        const separator = body.indexOf(':', 'response:'.length) + 1;
        responses.add(
          `${body.subarray(0, separator).toString()}${body.subarray(separator).toString('hex')}`,
        );
      }
      expect(responses).toEqual(expected);
      const serverStreams = [...serverHandlers[0].ended];
      expect(serverStreams).toHaveLength(requests);
      for (const streamId of serverStreams) {
        expect(serverHandlers[0].kinds.get(streamId)).toBe('uni');
        expect(streamId % 4).toBe(2); // client-initiated unidirectional
      }
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );

  it(
    'refuses a client without ALPN and one with a wrong ALPN, and still serves a good client',
    async () => {
      const failures: QuicCarrierError[] = [];
      let accepted = 0;
      const listener = await bed.server(
        (connection) => {
          accepted++;
          connection.attach(echoHandler(connection));
        },
        {
          onHandshakeFailure: (error) => failures.push(error),
          // The positive control probe below never finishes its handshake.
          handshakeTimeoutMs: 1_000,
        },
      );
      const { port } = listener.address;
      const probe = { serverName: 'localhost', replyTimeoutMs: PROBE_REPLY_TIMEOUT_MS };

      // A ClientHello without the ALPN extension (what some non-BoringSSL clients send).
      await expect(probeInitial('127.0.0.1', port, { ...probe, alpn: null })).resolves.toEqual({
        kind: 'closed',
        errorCode: QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL,
      });
      // A ClientHello offering only another protocol.
      await expect(probeInitial('127.0.0.1', port, { ...probe, alpn: ['h3'] })).resolves.toEqual({
        kind: 'closed',
        errorCode: QUIC_CRYPTO_ERROR_NO_APPLICATION_PROTOCOL,
      });
      // Positive control: the same hand-built ClientHello with nnrp/1 gets a ServerHello.
      await expect(
        probeInitial('127.0.0.1', port, { ...probe, alpn: ['nnrp/1'] }),
      ).resolves.toEqual({ kind: 'handshake-continues' });

      // The real client: a wrong ALPN is refused by the server...
      await expect(
        connectQuic('127.0.0.1', port, { alpn: 'h3', ca: listener.certificateChainPem }),
      ).rejects.toMatchObject({ kind: 'alpn', origin: 'peer' });
      // ...and no ALPN cannot even be offered by quiche's BoringSSL.
      await expect(
        connectQuic('127.0.0.1', port, { alpn: null, ca: listener.certificateChainPem }),
      ).rejects.toMatchObject({ kind: 'alpn' });

      expect(accepted).toBe(0);
      expect(failures.map((failure) => failure.kind)).toEqual(['alpn', 'alpn', 'alpn']);

      const good = await bed.client(listener);
      const handler = new RecordingHandler();
      good.attach(handler);
      good.write([Buffer.from('still alive')]);
      await handler.until(() => handler.byteCount(CONTROL_STREAM) === 'still alive'.length);
      expect(handler.bytes(CONTROL_STREAM).toString()).toBe('still alive');
      expect(accepted).toBe(1);
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );

  it('closes idle connections on both sides after the negotiated idle timeout', async () => {
    const serverHandlers: RecordingHandler[] = [];
    const listener = await bed.server(
      (connection) => {
        const handler = new RecordingHandler();
        serverHandlers.push(handler);
        connection.attach(handler);
      },
      { idleTimeoutMs: 300 },
    );
    // The client asks for much more; the smaller value wins.
    const client = await bed.client(listener, { idleTimeoutMs: 60_000 });
    const clientHandler = new RecordingHandler();
    client.attach(clientHandler);
    client.write([Buffer.from('x')]);

    const clientError = await clientHandler.closed();
    expect(clientError).toBeInstanceOf(QuicCarrierError);
    expect(clientError).toMatchObject({ kind: 'idle-timeout' });
    expect(client.closed).toBe(true);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (serverHandlers.length > 0) resolve();
        else setImmediate(check);
      };
      check();
    });
    await expect(serverHandlers[0].closed()).resolves.toMatchObject({ kind: 'idle-timeout' });
  });

  it(
    'end() delivers the last bytes and the FIN before the connection closes',
    async () => {
      const last = pattern(1 * MIB, 9);
      const listener = await bed.server((connection) => {
        connection.attach(
          new RecordingHandler({
            onStreamData(stream) {
              connection.write([last], stream.id);
              connection.end();
            },
          }),
        );
      });
      const client = await bed.client(listener);
      const handler = new RecordingHandler();
      client.attach(handler);
      client.write([Buffer.from('bye?')]);

      const error = await handler.closed();
      expect(error).toBeUndefined();
      expect(sha256(handler.bytes(CONTROL_STREAM))).toBe(sha256(last));
      expect(handler.events.indexOf(`end:${CONTROL_STREAM}`)).toBeGreaterThanOrEqual(0);
      expect(handler.events.indexOf(`end:${CONTROL_STREAM}`)).toBeLessThan(
        handler.events.indexOf('closed'),
      );
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );

  it('refuses connections beyond maxConnections with CONNECTION_REFUSED', async () => {
    const listener = await bed.server((connection) => connection.attach(echoHandler(connection)), {
      maxConnections: 1,
    });
    const first = await bed.client(listener);
    await expect(
      connectQuic('127.0.0.1', listener.address.port, {
        ca: listener.certificateChainPem,
        serverName: 'localhost',
      }),
    ).rejects.toMatchObject({ kind: 'refused', origin: 'peer' });
    expect(listener.stats.refusedConnections).toBe(1);

    const handler = new RecordingHandler();
    first.attach(handler);
    first.write([Buffer.from('first')]);
    await handler.until(() => handler.byteCount(CONTROL_STREAM) === 5);
    expect(handler.bytes(CONTROL_STREAM).toString()).toBe('first');
  });

  it('validates client addresses with a stateless retry when asked to', async () => {
    const listener = await bed.server((connection) => connection.attach(echoHandler(connection)), {
      statelessRetry: true,
    });
    const client = await bed.client(listener);
    const handler = new RecordingHandler();
    client.attach(handler);
    client.write([Buffer.from('after retry')]);
    await handler.until(() => handler.byteCount(CONTROL_STREAM) === 'after retry'.length);
    expect(handler.bytes(CONTROL_STREAM).toString()).toBe('after retry');
    expect(listener.stats.retriesSent).toBe(1);
  });

  it('rejects a server certificate the client does not trust', async () => {
    const listener = await bed.server(() => undefined);
    const other = await bed.server(() => undefined);
    await expect(
      connectQuic('127.0.0.1', listener.address.port, {
        ca: other.certificateChainPem,
        serverName: 'localhost',
      }),
    ).rejects.toMatchObject({ kind: 'tls', origin: 'local' });
  });

  it('reports a peer RESET_STREAM and survives a STOP_SENDING on a stream it writes', async () => {
    const serverHandlers: RecordingHandler[] = [];
    const serverConnections: CarrierConnection[] = [];
    const listener = await bed.server((connection) => {
      const handler = new RecordingHandler({
        onStreamData(stream) {
          // Keep the control stream busy so the client's STOP_SENDING hits queued bytes.
          if (stream.id === CONTROL_STREAM) connection.write([pattern(2 * MIB, 3)], stream.id);
        },
        onStreamEnd(stream) {
          if (stream.kind === 'uni') connection.writeOnNewUniStream([Buffer.from('uni ok')]);
        },
      });
      serverHandlers.push(handler);
      serverConnections.push(connection);
      connection.attach(handler);
    });
    const client = await bed.client(listener);
    const clientHandler = new RecordingHandler();
    client.attach(clientHandler);

    // RESET_STREAM: a second client bidi stream, written to and then abandoned with code 42.
    const secondStream = 4;
    client.write([Buffer.from('partial')], secondStream);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (serverHandlers.length > 0) resolve();
        else setImmediate(check);
      };
      check();
    });
    await serverHandlers[0].until(() => serverHandlers[0].byteCount(secondStream) > 0);
    client.abortStream(secondStream, 42);
    await serverHandlers[0].until(() => serverHandlers[0].resets.has(secondStream));
    expect(serverHandlers[0].resets.get(secondStream)).toBe(42);

    // STOP_SENDING: the client gives up on the control stream while the server streams 2 MiB.
    client.write([Buffer.from('go')]);
    await clientHandler.until(() => clientHandler.byteCount(CONTROL_STREAM) > 0);
    client.abortStream(CONTROL_STREAM, 7);
    await serverHandlers[0].until(() => serverHandlers[0].resets.has(CONTROL_STREAM));
    expect(serverHandlers[0].resets.get(CONTROL_STREAM)).toBe(7);

    // The connection itself is fine: the Python model still works both ways.
    client.writeOnNewUniStream([Buffer.from('still there?')]);
    await clientHandler.until(() => clientHandler.ended.size === 1);
    const [answerStream] = [...clientHandler.ended];
    expect(clientHandler.bytes(answerStream).toString()).toBe('uni ok');
    expect(serverConnections[0].closed).toBe(false);
    expect(serverConnections[0].bufferedBytes).toBe(0);
  });

  it('destroy(error) closes at once and tells the peer why', async () => {
    const serverHandlers: RecordingHandler[] = [];
    const listener = await bed.server((connection) => {
      const handler = new RecordingHandler({
        onStreamData: () => connection.destroy(new Error('handler gave up')),
      });
      serverHandlers.push(handler);
      connection.attach(handler);
    });
    const client = await bed.client(listener);
    const clientHandler = new RecordingHandler();
    client.attach(clientHandler);
    client.write([Buffer.from('trigger')]);

    await expect(clientHandler.closed()).resolves.toMatchObject({
      kind: 'peer-closed',
      isApplication: true,
      message: expect.stringContaining('handler gave up'),
    });
    await expect(serverHandlers[0].closed()).resolves.toMatchObject({
      message: 'handler gave up',
    });
    expect(client.write([Buffer.from('late')])).toBe(false);
    await client.whenFinished();
  });

  it('end() closes even when the peer stopped reading and the queue cannot drain', async () => {
    const serverHandlers: RecordingHandler[] = [];
    const listener = await bed.server((connection) => {
      const handler = new RecordingHandler({
        onStreamData: () => {
          // More than the client's flow-control windows take, then a graceful end.
          connection.write([pattern(8 * MIB, 3)], CONTROL_STREAM);
          connection.end(50);
        },
      });
      serverHandlers.push(handler);
      connection.attach(handler);
    });
    const client = await bed.client(listener);
    const clientHandler = new RecordingHandler();
    client.attach(clientHandler);
    client.pauseReading(); // the peer that stopped reading
    client.write([Buffer.from('trigger')]);
    while (serverHandlers.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // Without a bound the ending connection would wait for the reader forever.
    await serverHandlers[0].closed();
    // Far less than the 8 MiB was ever taken: the close did not wait for the queue.
    client.resumeReading();
    await clientHandler.closed();
    expect(clientHandler.byteCount(CONTROL_STREAM)).toBeLessThan(8 * MIB);
  });

  it('answers an unknown QUIC version with a version negotiation packet', async () => {
    const listener = await bed.server(() => undefined);
    const socket = createSocket('udp4');
    try {
      const reply = await new Promise<Buffer>((resolve) => {
        socket.once('message', resolve);
        // Long header, reserved (greasing) version 0x1a2a3a4a, 8-byte DCID and SCID, padded to
        // the 1200 bytes an Initial needs (RFC 9000 §6, §14.1).
        const probe = Buffer.alloc(1200);
        probe[0] = 0xc0;
        probe.writeUInt32BE(0x1a2a3a4a, 1);
        probe[5] = 8;
        probe.fill(0x11, 6, 14);
        probe[14] = 8;
        probe.fill(0x22, 15, 23);
        socket.send(probe, listener.address.port, '127.0.0.1');
      });
      expect(reply[0] & 0x80).toBe(0x80);
      expect(reply.readUInt32BE(1)).toBe(0); // version 0 marks version negotiation
      const versions: number[] = [];
      const dcidLength = reply[5];
      const scidLength = reply[6 + dcidLength];
      for (let offset = 7 + dcidLength + scidLength; offset + 4 <= reply.length; offset += 4) {
        versions.push(reply.readUInt32BE(offset));
      }
      expect(versions).toContain(1);
      expect(listener.stats.versionNegotiationsSent).toBe(1);
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  });

  it('validates its options', () => {
    expect(() => new QuicCarrier({})).toThrow(QuicCarrierError);
    expect(() => new QuicCarrier({ dev: true, certificateChainPem: 'x' })).toThrow(/dev: true/);
    expect(() => new QuicCarrier({ dev: true, maxConnections: 0 })).toThrow(/maxConnections/);
    expect(() => new QuicCarrier({ dev: true, maxUdpPayloadBytes: 500 })).toThrow(
      /maxUdpPayloadBytes/,
    );
  });

  it(
    'survives 5% loss and reordering on a 1 MiB bidi transfer',
    async () => {
      const listener = await bed.server((connection) => connection.attach(echoHandler(connection)));
      const relay = await UdpLossyRelay.start({
        targetHost: '127.0.0.1',
        targetPort: listener.address.port,
        lossRate: 0.05,
        reorderRate: 0.05,
        reorderDelayMs: 3,
        seed: 20_240_917,
      });
      try {
        const client = await bed.client(listener, {}, relay.port);
        const handler = new RecordingHandler();
        client.attach(handler);
        const payload = pattern(1 * MIB, 5);
        await writeWithBackpressure(client, handler, payload, 32 * KIB);
        await handler.until(() => handler.byteCount(CONTROL_STREAM) === payload.length);
        expect(sha256(handler.bytes(CONTROL_STREAM))).toBe(sha256(payload));
        expect(relay.stats.dropped).toBeGreaterThan(0);
        expect(relay.stats.reordered).toBeGreaterThan(0);
        client.destroy();
        await client.whenFinished();
      } finally {
        await bed.dispose();
        await relay.close();
      }
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );
});
