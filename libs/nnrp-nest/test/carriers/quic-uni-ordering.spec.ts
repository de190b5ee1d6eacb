import type { CarrierConnection, UniStreamOrdering } from '../../src/carriers/carrier-connection';
import { QuicTestBed, RecordingHandler, pattern } from './quic-test-bed';

const KIB = 1024;
const MIB = KIB * KIB;
/** Spans many round trips: flow control and congestion control keep most of it queued. */
const LARGE_STREAM_BYTES = 2 * MIB;
/** Generous bound for transfers on a shared 2-core machine (not a performance assertion). */
const TRANSFER_TEST_TIMEOUT_MS = 120_000;
const KEY = 'session-7:frame-1';
/** Keys answered with partials and a terminal, and keys left with partials only. */
const ANSWERED_KEYS = 40;
const UNANSWERED_KEYS = 10;
const PARTIALS_PER_KEY = 3;
const PARTIAL_BYTES = 4 * KIB;
const POLL_MS = 5;
const KEYS_FORGOTTEN_TIMEOUT_MS = 10_000;
const EARLIER: UniStreamOrdering = { key: KEY, afterAcknowledged: false, last: false };
const TERMINAL: UniStreamOrdering = { key: KEY, afterAcknowledged: true, last: true };

/** What the server writes on new uni streams when the client's request stream ends. */
type Answer = (connection: CarrierConnection) => void;

/** Test-only view of the connection's private per-key state (its size is the memory bound). */
interface OrderedKeysView {
  readonly orderedUni: ReadonlyMap<unknown, unknown>;
}

async function pollUntil(condition: () => boolean, what: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

describe('QuicConnection ordered uni streams (Python model result streams)', () => {
  let bed: QuicTestBed;
  const large = pattern(LARGE_STREAM_BYTES, 11);
  const small = Buffer.from('terminal answer');

  beforeEach(() => {
    bed = new QuicTestBed();
  });

  afterEach(async () => {
    await bed.dispose();
  });

  /** Starts a server that runs `answer` per client uni stream, sends one request, records. */
  async function exchange(answer: Answer): Promise<RecordingHandler> {
    const listener = await bed.server((connection) => {
      connection.attach(
        new RecordingHandler({
          onStreamEnd(stream) {
            if (stream.kind === 'uni') answer(connection);
          },
        }),
      );
    });
    const client = await bed.client(listener);
    const handler = new RecordingHandler();
    client.attach(handler);
    client.writeOnNewUniStream([Buffer.from('request')]);
    return handler;
  }

  /** The ids of the client's large and small streams (told apart by size), bytes checked. */
  function byPayload(handler: RecordingHandler): { largeId: number; smallId: number } {
    const ids = [...handler.ended];
    const largeId = ids.find((id) => handler.byteCount(id) === LARGE_STREAM_BYTES);
    const smallId = ids.find((id) => handler.byteCount(id) === small.length);
    if (largeId === undefined || smallId === undefined) throw new Error('a stream is missing');
    expect(handler.bytes(largeId).equals(large)).toBe(true);
    expect(handler.bytes(smallId).equals(small)).toBe(true);
    return { largeId, smallId };
  }

  /** Writes the large stream then the small one, with the orderings given, and waits for both. */
  async function largeThenSmall(
    largeOrdering: UniStreamOrdering | undefined,
    smallOrdering: UniStreamOrdering | undefined,
  ): Promise<{ handler: RecordingHandler; largeId: number; smallId: number }> {
    const handler = await exchange((connection) => {
      connection.writeOnNewUniStream([large], largeOrdering);
      connection.writeOnNewUniStream([small], smallOrdering);
    });
    await handler.until(() => handler.ended.size === 2);
    return { handler, ...byPayload(handler) };
  }

  it(
    'opens a terminal stream only after the earlier stream of its key is acknowledged',
    async () => {
      const { handler, largeId, smallId } = await largeThenSmall(EARLIER, TERMINAL);
      // Not one byte of the terminal stream arrived before the whole earlier stream.
      expect(handler.events.indexOf(`end:${largeId}`)).toBeLessThan(
        handler.events.indexOf(`data:${smallId}`),
      );
      // Nothing is left held once everything went out (the key is gone with it).
      expect(bed.serverConnections[0].bufferedBytes).toBe(0);
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );

  it.each([
    ['without ordering (what the ordering prevents)', undefined],
    [
      'for the terminal of another key',
      { key: 'other', afterAcknowledged: true, last: true } satisfies UniStreamOrdering,
    ],
  ])(
    'lets a small stream overtake a large earlier one %s',
    async (_case, smallOrdering) => {
      const largeOrdering = smallOrdering === undefined ? undefined : EARLIER;
      const { handler, largeId, smallId } = await largeThenSmall(largeOrdering, smallOrdering);
      expect(handler.events.indexOf(`end:${smallId}`)).toBeLessThan(
        handler.events.indexOf(`end:${largeId}`),
      );
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );

  it(
    'end() still opens a held terminal stream, in order, before the connection closes',
    async () => {
      const handler = await exchange((connection) => {
        connection.writeOnNewUniStream([large], EARLIER);
        connection.writeOnNewUniStream([small], TERMINAL);
        connection.end();
      });

      await expect(handler.closed()).resolves.toBeUndefined();
      expect(handler.ended.size).toBe(2);
      const { largeId, smallId } = byPayload(handler);
      expect(handler.events.indexOf(`end:${largeId}`)).toBeLessThan(
        handler.events.indexOf(`data:${smallId}`),
      );
      expect(handler.events.indexOf(`end:${smallId}`)).toBeLessThan(
        handler.events.indexOf('closed'),
      );
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );

  it(
    'forgets every key once its streams are acknowledged, with or without a last stream',
    async () => {
      const partial = pattern(PARTIAL_BYTES, 3);
      const handler = await exchange((connection) => {
        for (let key = 0; key < ANSWERED_KEYS + UNANSWERED_KEYS; key++) {
          for (let i = 0; i < PARTIALS_PER_KEY; i++) {
            connection.writeOnNewUniStream([partial], {
              key,
              afterAcknowledged: false,
              last: false,
            });
          }
          if (key < ANSWERED_KEYS) {
            connection.writeOnNewUniStream([small], { key, afterAcknowledged: true, last: true });
          }
        }
      });
      const streams = (ANSWERED_KEYS + UNANSWERED_KEYS) * PARTIALS_PER_KEY + ANSWERED_KEYS;
      await handler.until(() => handler.ended.size === streams);

      const server = bed.serverConnections[0] as unknown as OrderedKeysView;
      await pollUntil(
        () => server.orderedUni.size === 0,
        'keys forgotten',
        KEYS_FORGOTTEN_TIMEOUT_MS,
      );
      expect(bed.serverConnections[0].bufferedBytes).toBe(0);
    },
    TRANSFER_TEST_TIMEOUT_MS,
  );
});
