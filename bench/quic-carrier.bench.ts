/**
 * QUIC carrier benchmark: raw carrier throughput (both directions) and lock-step ping-pong
 * latency (first bidi stream, and the Python model with one uni stream per message), with the
 * server in its own process. Prints a table and writes bench/results/quic-carrier.json.
 * Run: `node -r @swc-node/register bench/quic-carrier.bench.ts` (BENCH_RUNS, BENCH_MIB).
 */
import './quic/register-quic-esm';
import { fork, type ChildProcess } from 'node:child_process';
import type {
  CarrierConnection,
  InboundStream,
} from '../libs/nnrp-nest/src/carriers/carrier-connection';
import {
  QuicCarrier,
  connectQuic,
  type QuicClientConnection,
} from '../libs/nnrp-nest/src/carriers/quic';
import { machine, writeReport } from './support/measure';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TRANSFER_MIB = Number(process.env.BENCH_MIB ?? 64);
const PING_ROUNDS = Number(process.env.BENCH_PINGS ?? 2000);
const PING_WARMUP = 200;
const PING_BYTES = 64;
const CHUNK_BYTES = 64 * 1024;
const MIB = 1024 * 1024;
const CONTROL_STREAM = 0;
/** First byte of the control stream selects what the server does with the connection. */
const MODE_ECHO = 0x45; // 'E'
const MODE_UPLOAD = 0x55; // 'U': then u64 length; server answers one byte when all arrived
const MODE_DOWNLOAD = 0x44; // 'D': then u64 length; server sends that many bytes
const MODE_HEADER_BYTES = 9;

interface ServerReady {
  readonly port: number;
  readonly certificateChainPem: string;
}

/** Server process: one QuicCarrier, behaviour chosen per connection by the first bytes. */
async function runServer(): Promise<void> {
  const listener = await new QuicCarrier({ dev: true, host: '127.0.0.1', port: 0 }).listen(
    (connection) => serveConnection(connection),
  );
  process.on('message', (message: unknown) => {
    if (message === 'stop') {
      void listener.close().then(() => process.exit(0));
      // Connections of finished runs may still linger; do not wait on clients that vanished.
      setTimeout(() => process.exit(0), 2_000).unref();
    }
  });
  const ready: ServerReady = {
    port: listener.address.port,
    certificateChainPem: listener.certificateChainPem,
  };
  process.send?.(ready);
}

function serveConnection(connection: CarrierConnection): void {
  let header = Buffer.alloc(0);
  let mode = 0;
  let remaining = 0;
  const download = (): void => {
    const chunk = Buffer.alloc(CHUNK_BYTES, 0x5a);
    while (remaining > 0) {
      const size = Math.min(CHUNK_BYTES, remaining);
      remaining -= size;
      if (!connection.write([chunk.subarray(0, size)], CONTROL_STREAM)) return;
    }
  };
  const onBody = (chunk: Buffer): void => {
    if (mode === MODE_ECHO) {
      if (!connection.write([chunk], CONTROL_STREAM)) connection.pauseReading();
    } else if (mode === MODE_UPLOAD) {
      remaining -= chunk.length;
      if (remaining === 0) connection.write([Buffer.from([1])], CONTROL_STREAM);
    }
  };
  const uniRequests = new Map<number, Buffer[]>();
  connection.attach({
    onStreamData(stream: InboundStream, chunk: Buffer) {
      if (stream.kind === 'uni') {
        const parts = uniRequests.get(stream.id) ?? [];
        parts.push(chunk);
        uniRequests.set(stream.id, parts);
        return;
      }
      if (mode !== 0) return onBody(chunk);
      header = Buffer.concat([header, chunk]);
      if (header[0] === MODE_ECHO) {
        mode = MODE_ECHO;
        if (header.length > 1) onBody(header.subarray(1));
        return;
      }
      if (header.length < MODE_HEADER_BYTES) return;
      mode = header[0];
      remaining = Number(header.readBigUInt64BE(1));
      if (mode === MODE_DOWNLOAD) download();
      else if (header.length > MODE_HEADER_BYTES) onBody(header.subarray(MODE_HEADER_BYTES));
    },
    onStreamEnd(stream: InboundStream) {
      const parts = uniRequests.get(stream.id);
      uniRequests.delete(stream.id);
      if (stream.kind === 'uni') connection.writeOnNewUniStream(parts ?? []);
    },
    onStreamReset() {},
    onWritable() {
      if (mode === MODE_DOWNLOAD) download();
      else connection.resumeReading();
    },
    onClosed() {},
  });
}

/** Client-side connection with a single pluggable event sink. */
interface BenchClient {
  readonly connection: QuicClientConnection;
  onData: (stream: InboundStream, chunk: Buffer) => void;
  onEnd: (stream: InboundStream) => void;
  onWritable: () => void;
}

async function connectClient(server: ServerReady): Promise<BenchClient> {
  const connection = await connectQuic('127.0.0.1', server.port, {
    ca: server.certificateChainPem,
    serverName: 'localhost',
  });
  const client: BenchClient = {
    connection,
    onData: () => undefined,
    onEnd: () => undefined,
    onWritable: () => undefined,
  };
  connection.attach({
    onStreamData: (stream, chunk) => client.onData(stream, chunk),
    onStreamEnd: (stream) => client.onEnd(stream),
    onStreamReset: () => undefined,
    onWritable: () => client.onWritable(),
    onClosed: () => undefined,
  });
  return client;
}

function modeHeader(mode: number, length: number): Buffer {
  const header = Buffer.alloc(MODE_HEADER_BYTES);
  header[0] = mode;
  header.writeBigUInt64BE(BigInt(length), 1);
  return header;
}

async function close(client: BenchClient): Promise<void> {
  client.connection.destroy();
  await client.connection.whenFinished();
}

/** Client → server: MiB/s until the server confirmed the last byte. */
async function upload(server: ServerReady): Promise<number> {
  const client = await connectClient(server);
  const total = TRANSFER_MIB * MIB;
  const chunk = Buffer.alloc(CHUNK_BYTES, 0xa5);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += CHUNK_BYTES;
        if (!client.connection.write([chunk])) return;
      }
    };
    client.onData = () => resolve();
    client.onWritable = pump;
    client.connection.write([modeHeader(MODE_UPLOAD, total)]);
    pump();
  });
  const seconds = (performance.now() - start) / 1000;
  await close(client);
  return TRANSFER_MIB / seconds;
}

/** Server → client: MiB/s from the request to the last byte. */
async function download(server: ServerReady): Promise<number> {
  const client = await connectClient(server);
  const total = TRANSFER_MIB * MIB;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let received = 0;
    client.onData = (_stream, chunk) => {
      received += chunk.length;
      if (received >= total) resolve();
    };
    client.connection.write([modeHeader(MODE_DOWNLOAD, total)]);
  });
  const seconds = (performance.now() - start) / 1000;
  await close(client);
  return TRANSFER_MIB / seconds;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Lock-step round trips; `send` issues one message, `awaitReply` wires the reply callback. */
async function pingPong(
  send: () => void,
  awaitReply: (done: () => void) => void,
): Promise<{ p50Us: number; p99Us: number }> {
  const samples: number[] = [];
  for (let round = 0; round < PING_WARMUP + PING_ROUNDS; round++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      awaitReply(resolve);
      send();
    });
    if (round >= PING_WARMUP) samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  return { p50Us: percentile(samples, 0.5), p99Us: percentile(samples, 0.99) };
}

async function bidiPingPong(server: ServerReady): Promise<{ p50Us: number; p99Us: number }> {
  const client = await connectClient(server);
  client.connection.write([Buffer.from([MODE_ECHO])]);
  const message = Buffer.alloc(PING_BYTES, 1);
  let pending = 0;
  const result = await pingPong(
    () => client.connection.write([message]),
    (done) => {
      pending = PING_BYTES;
      client.onData = (_stream, chunk) => {
        pending -= chunk.length;
        if (pending === 0) done();
      };
    },
  );
  await close(client);
  return result;
}

async function uniPingPong(server: ServerReady): Promise<{ p50Us: number; p99Us: number }> {
  const client = await connectClient(server);
  const message = Buffer.alloc(PING_BYTES, 2);
  const result = await pingPong(
    () => client.connection.writeOnNewUniStream([message]),
    (done) => {
      client.onEnd = () => done();
    },
  );
  await close(client);
  return result;
}

function startServerProcess(): Promise<{ ready: ServerReady; stop: () => Promise<void> }> {
  const child: ChildProcess = fork(__filename, ['--server'], {
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message: unknown) => {
      const ready = message as ServerReady;
      resolve({
        ready,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.send('stop');
          }),
      });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  const results = {
    uploadMiBps: [] as number[],
    downloadMiBps: [] as number[],
    bidiPingPong: [] as Array<{ p50Us: number; p99Us: number }>,
    uniPingPong: [] as Array<{ p50Us: number; p99Us: number }>,
  };
  try {
    for (let run = 0; run < RUNS; run++) {
      results.uploadMiBps.push(await upload(server.ready));
      results.downloadMiBps.push(await download(server.ready));
      results.bidiPingPong.push(await bidiPingPong(server.ready));
      results.uniPingPong.push(await uniPingPong(server.ready));
    }
  } finally {
    await server.stop();
  }
  const summary = {
    [`upload ${TRANSFER_MIB} MiB, MiB/s`]: median(results.uploadMiBps),
    [`download ${TRANSFER_MIB} MiB, MiB/s`]: median(results.downloadMiBps),
    'bidi ping-pong 64 B, p50 µs': median(results.bidiPingPong.map((r) => r.p50Us)),
    'bidi ping-pong 64 B, p99 µs': median(results.bidiPingPong.map((r) => r.p99Us)),
    'uni-stream ping-pong 64 B, p50 µs': median(results.uniPingPong.map((r) => r.p50Us)),
    'uni-stream ping-pong 64 B, p99 µs': median(results.uniPingPong.map((r) => r.p99Us)),
  };
  for (const [name, value] of Object.entries(summary)) {
    console.log(`${name.padEnd(36)} ${value.toFixed(1).padStart(10)}`);
  }
  const path = writeReport('quic-carrier.json', {
    benchmark: 'quic-carrier',
    command: 'node -r @swc-node/register bench/quic-carrier.bench.ts',
    date: new Date().toISOString(),
    machine: machine(),
    runs: RUNS,
    summary,
    results,
  });
  console.log(`report: ${path}`);
}

if (process.argv.includes('--server')) {
  void runServer();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
