import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { FrameOutcome, NnrpClient } from '@nest-nnrp/nest';
import { paddedTile, tileGrid } from '../../src/image/tiling';
import { createTestPattern } from '../../src/image/test-pattern';
import { encodeUpscaleSubmit, UPSCALE_SCHEMA } from '../../src/upscale/upscale-wire';
import { EPHEMERAL_LOOPBACK_ENV } from './ephemeral-service-env';

const READY = /NNRP super-resolution ready: tcp [^:]+:(\d+)/;
const TILE = 32;
const FRAMES = 24;

/** Starts `npm start`'s entry (src/main.ts) in its own process and waits for its ready line. */
function startServiceProcess(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', resolve(__dirname, '../../src/main.ts')],
    {
      env: { ...process.env, ...EPHEMERAL_LOOPBACK_ENV, MODEL_SCALES: '2', NNRP_QUIC_PORT: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((done, fail) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const ready = READY.exec(output);
      if (ready) done({ child, port: Number(ready[1]) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`service exited early (${code}): ${output}`)));
  });
}

describe('the example service under SIGTERM', () => {
  it('drains the frames in flight, answers each once, and exits', async () => {
    const { child, port } = await startServiceProcess();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    const client = await NnrpClient.connect({ tcp: { host: '127.0.0.1', port } });
    try {
      const session = await client.openSession({
        profileId: UPSCALE_SCHEMA.profileId,
        schemaId: UPSCALE_SCHEMA.schemaId,
        schemaVersion: UPSCALE_SCHEMA.schemaVersion,
        maxInFlightOperations: 8,
      });
      const image = createTestPattern(TILE, TILE);
      const tile = tileGrid(TILE, TILE, TILE).tiles[0];
      const request = encodeUpscaleSubmit({
        imageWidth: TILE,
        imageHeight: TILE,
        tileSize: TILE,
        tileIds: [0],
        paddedTiles: [paddedTile(image, tile, TILE, 8)],
      });
      // Keep 8 frames in flight (the session's limit) until every frame was sent.
      const outcomes: FrameOutcome[] = [];
      const inFlight = new Set<Promise<void>>();
      let sent = 0;
      let signalled = false;
      while (sent < FRAMES) {
        while (inFlight.size < 8 && sent < FRAMES) {
          sent++;
          const done = session
            .submit(request.body, { metadata: request.metadata, routeId: 2 })
            .done.then((outcome) => {
              outcomes.push(outcome);
              inFlight.delete(done);
            });
          inFlight.add(done);
        }
        if (!signalled && sent >= 12) {
          signalled = true;
          child.kill('SIGTERM');
        }
        await Promise.race([...inFlight, client.closed]);
        if (client.isClosed) break;
      }
      await Promise.race([Promise.all(inFlight), client.closed]);
      const { code, signal } = await exited;
      // Nest's shutdown hook closes the app, then re-raises the signal.
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
      // Every frame the server took got exactly one terminal answer or the connection closed
      // (counted as dropped server-side); no frame got two.
      expect(outcomes.length).toBeLessThanOrEqual(sent);
      expect(outcomes.filter((o) => o.kind === 'result').length).toBeGreaterThan(0);
      expect(client.violations).toEqual([]);
    } finally {
      await client.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
