import { encodePacket, ErrorCode, MessageType } from '@nest-nnrp/protocol';
import { RawPeer } from '../../bench/fuzz/raw-peer';
import { BehaviourController } from '../support/behaviour-controller';
import { CARRIER_MODES } from '../support/carrier-mode';
import { FrameProbe } from '../support/frame-probe';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectRawPeer, destroyClients } from '../support/nnrp-test-client';
import { rawSessionOpen } from '../support/raw-packets';

const HANDSHAKE_TIMEOUT_MS = 200;
const IDLE_TIMEOUT_MS = 200;
/** A timeout must act within this bound (generous: the machine is shared). */
const ACT_WITHIN_MS = 3000;

/** Writes `bytes` one at a time, `everyMs` apart, until done or the connection is gone. */
async function drip(peer: RawPeer, bytes: Buffer, everyMs: number): Promise<number> {
  let sent = 0;
  while (sent < bytes.length && !peer.isClosed) {
    peer.write(bytes.subarray(sent, sent + 1));
    sent++;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return sent;
}

describe.each(CARRIER_MODES)('timeouts against silent and slow clients over %s', (mode) => {
  let server: NnrpTestApp;

  beforeAll(async () => {
    server = await startNnrpTestApp(
      [BehaviourController],
      { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS },
      [FrameProbe],
      mode,
    );
  });
  afterEach(() => destroyClients());
  afterAll(() => server.close());

  async function openPeer(): Promise<RawPeer> {
    const peer = await connectRawPeer(server);
    peer.write(rawSessionOpen());
    expect(await peer.waitFor(() => peer.ackSessionId !== undefined, ACT_WITHIN_MS)).toBe(true);
    return peer;
  }

  it('cuts a slow-loris handshake (one byte every 10 ms) at the handshake timeout', async () => {
    const peer = await connectRawPeer(server);
    const open = rawSessionOpen();
    const sent = await drip(peer, open, 10);
    expect(peer.isClosed).toBe(true);
    expect(sent).toBeLessThan(open.length); // still dripping when it was cut
    expect(peer.errors.map((e) => [e.errorCode, e.isFatal])).toEqual([
      [ErrorCode.LimitExceeded, true],
    ]);
  });

  it('closes an idle connection after the handshake with a fatal ERROR', async () => {
    const peer = await openPeer();
    expect(await peer.waitClosed(ACT_WITHIN_MS)).toBe(true);
    expect(peer.errors.map((e) => e.isFatal)).toEqual([true]);
  });

  it('keeps a connection that sends packets more often than the idle timeout', async () => {
    const peer = await openPeer();
    for (let i = 0; i < 8; i++) {
      peer.write(encodePacket({ messageType: MessageType.Ping }));
      await new Promise((resolve) => setTimeout(resolve, IDLE_TIMEOUT_MS / 4));
    }
    expect(peer.isClosed).toBe(false);
    expect(peer.count(MessageType.Pong)).toBe(8);
    peer.destroy();
  });

  // Server bug (docs/reliability.md, "idle timer counts bytes"): ServerConnection.onStreamData
  // refreshes the idle clock on every chunk, so a packet dripped a byte at a time keeps a
  // connection (and its partial packet buffer) alive forever after the handshake.
  it('closes a connection that drips one packet byte by byte for longer than the idle timeout', async () => {
    const peer = await openPeer();
    const ping = encodePacket({ messageType: MessageType.Ping });
    await drip(peer, ping, IDLE_TIMEOUT_MS / 4); // 40 bytes over 2 s: ten idle periods
    expect(await peer.waitClosed(ACT_WITHIN_MS)).toBe(true);
    expect(peer.count(MessageType.Pong)).toBe(0);
  });
});
