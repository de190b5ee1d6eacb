import { randomBytes } from 'node:crypto';
import {
  encodeClientHello,
  encodePacket,
  encodeSessionOpen,
  HeaderFlag,
  MessageType,
} from '@nest-nnrp/protocol';
import { DEFAULT_CLIENT_HELLO, DEFAULT_SESSION_OPEN, HmacTokenPolicy } from '@nest-nnrp/nest';
import { RawPeer } from '../../bench/fuzz/raw-peer';
import { BehaviourController } from '../support/behaviour-controller';
import { CaptureLogger } from '../support/capture-logger';
import { FrameProbe } from '../support/frame-probe';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';

const SECRET = 'log-test-secret-4f1c';

/** Every way a token could show up in a log line. */
function renderings(bytes: Buffer): string[] {
  return [
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('latin1'),
    // Half the token is already too much.
    bytes.subarray(0, 16).toString('hex'),
  ];
}

function hello(authBlock: Buffer, authBytes = authBlock.length): Buffer {
  return encodePacket(
    { messageType: MessageType.ClientHello, flags: HeaderFlag.AckRequired },
    encodeClientHello({ ...DEFAULT_CLIENT_HELLO, authBytes, controlExtensionBytes: 0 }),
    authBlock,
  );
}

function open(authBlock: Buffer, authBytes = authBlock.length): Buffer {
  return encodePacket(
    { messageType: MessageType.SessionOpen },
    encodeSessionOpen({ ...DEFAULT_SESSION_OPEN, authBytes }),
    authBlock,
  );
}

describe('auth blocks and tokens never reach the logs', () => {
  let server: NnrpTestApp;
  const logger = new CaptureLogger();

  beforeAll(async () => {
    server = await startNnrpTestApp(
      [BehaviourController],
      { logger, auth: new HmacTokenPolicy(SECRET) },
      [FrameProbe],
    );
    server.app.useLogger(logger); // Nest's own lines (exception filter…) too
  });
  afterAll(() => server.close());

  it('on bad tokens and malformed handshakes, on both flows', async () => {
    const forged = Buffer.concat([randomBytes(32), Buffer.from('mallory')]);
    const stolen = HmacTokenPolicy.authBlock(SECRET, 'alice'); // valid, sent malformed
    const attempts = [
      hello(forged),
      open(forged),
      hello(stolen, stolen.length + 9), // body does not split into extensions and auth
      open(stolen, stolen.length + 9), // declared auth block longer than the body
      hello(Buffer.concat([stolen, Buffer.alloc(20 * 1024)])), // over maxAuthBytes
      Buffer.concat([hello(forged).subarray(0, 60), stolen]), // header lies about the body
    ];
    for (const bytes of attempts) {
      const peer = await RawPeer.connect({ port: server.port });
      peer.write(bytes);
      peer.end();
      expect(await peer.waitClosed(3000)).toBe(true);
    }
    // The attempts were logged (so the check below is about real lines)…
    expect(logger.lines.length).toBeGreaterThan(0);
    // …and no form of the secret, the tokens or the auth blocks appears in them.
    const secrets = [
      SECRET,
      ...renderings(forged.subarray(0, 32)),
      ...renderings(stolen.subarray(0, 32)),
      ...renderings(forged),
      ...renderings(stolen),
    ];
    for (const secret of secrets) expect(logger.text).not.toContain(secret);
  });
});
