import { parseHostPort } from './host-port';
import { parseUpscaleArguments } from './upscale-arguments';

describe('parseHostPort', () => {
  it('reads host:port, [ipv6]:port and a bare port', () => {
    expect(parseHostPort('example.org:4433')).toEqual({ host: 'example.org', port: 4433 });
    expect(parseHostPort('[::1]:4434')).toEqual({ host: '::1', port: 4434 });
    expect(parseHostPort('4433')).toEqual({ host: '127.0.0.1', port: 4433 });
  });

  it('rejects anything else', () => {
    for (const bad of ['', 'host', 'host:', 'host:0', 'host:70000', '::1:4433', 'a:b']) {
      expect(() => parseHostPort(bad)).toThrow(/expected host:port/);
    }
  });
});

describe('parseUpscaleArguments', () => {
  it('applies the defaults: 2x over TCP to the local service, 64 px tiles, 8 in flight', () => {
    expect(parseUpscaleArguments(['in.png', 'out.png'])).toEqual({
      input: 'in.png',
      output: 'out.png',
      scale: 2,
      target: { carrier: 'tcp', host: '127.0.0.1', port: 4433 },
      token: undefined,
      tileSize: 64,
      tilesPerFrame: 1,
      inFlight: 8,
      budgetMs: 0,
      retries: 1,
    });
  });

  it('reads every option', () => {
    const args = parseUpscaleArguments([
      'a.png',
      'b.png',
      '--scale',
      '4',
      '--quic',
      'srv:9000',
      '--insecure',
      '--token',
      's3cret',
      '--tile',
      '128',
      '--tiles-per-frame',
      '4',
      '--in-flight',
      '2',
      '--budget-ms',
      '500',
      '--retries',
      '0',
    ]);
    expect(args).toMatchObject({
      scale: 4,
      target: { carrier: 'quic', host: 'srv', port: 9000, insecure: true, caFile: undefined },
      token: 's3cret',
      tileSize: 128,
      tilesPerFrame: 4,
      inFlight: 2,
      budgetMs: 500,
      retries: 0,
    });
    expect(parseUpscaleArguments(['--help'])).toBe('help');
  });

  it('rejects bad command lines with a message naming the problem', () => {
    const cases: [string[], RegExp][] = [
      [['in.png'], /expected <in.png> <out.png>/],
      [['a', 'b', '--scale', '3'], /--scale must be 2 or 4/],
      [['a', 'b', '--tile', '4'], /--tile must be an integer in 8\.\.256/],
      [['a', 'b', '--tile', '64.5'], /--tile/],
      [['a', 'b', '--in-flight', '0'], /--in-flight/],
      [['a', 'b', '--budget-ms', '70000'], /--budget-ms/],
      [['a', 'b', '--tcp', 'h:1', '--quic', 'h:2'], /either --tcp or --quic/],
      [['a', 'b', '--insecure'], /--quic only/],
      [['a', 'b', '--token', ''], /--token must not be empty/],
      [['a', 'b', '--frobnicate'], /Unknown option/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseUpscaleArguments(argv)).toThrow(message);
    }
  });
});
