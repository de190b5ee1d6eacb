import crypto from 'node:crypto';
import { HmacTokenPolicy, NnrpAuthRequest } from '@nest-nnrp/nest';
import { BehaviourController } from '../support/behaviour-controller';
import { FrameProbe } from '../support/frame-probe';
import { startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients } from '../support/nnrp-test-client';

const SECRET = 'timing-secret';

const request = (authBlock: Buffer): NnrpAuthRequest => ({
  flow: 'hello',
  authBlock,
  carrier: 'tcp',
  remoteAddress: '127.0.0.1',
});

describe('HmacTokenPolicy compares tokens in constant time', () => {
  // The policy calls `timingSafeEqual` on the `node:crypto` module object at call time, so a spy
  // on that object sees every comparison.
  const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');
  afterEach(() => timingSafeEqual.mockClear());
  afterAll(() => timingSafeEqual.mockRestore());

  it.each([
    ['a valid token', () => HmacTokenPolicy.authBlock(SECRET, 'alice'), 'alice'],
    ['a token wrong in its first byte', () => flip(0), false],
    ['a token wrong in its last byte', () => flip(31), false],
  ])('compares the whole 32-byte token with timingSafeEqual for %s', (_name, block, decision) => {
    expect(new HmacTokenPolicy(SECRET).authorize(request(block()))).toBe(decision);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [token, expected] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
    expect([token.length, expected.length]).toEqual([32, 32]);
  });

  it('on a handshake over the wire, too', async () => {
    const server = await startNnrpTestApp(
      [BehaviourController],
      { auth: new HmacTokenPolicy(SECRET) },
      [FrameProbe],
    );
    try {
      const client = await connectClient(server);
      await client.hello({ authBlock: flip(5) }).catch(() => undefined);
      expect(timingSafeEqual).toHaveBeenCalled();
    } finally {
      await destroyClients();
      await server.close();
    }
  });
});

function flip(at: number): Buffer {
  const block = HmacTokenPolicy.authBlock(SECRET, 'alice');
  block[at] ^= 0x01;
  return block;
}
