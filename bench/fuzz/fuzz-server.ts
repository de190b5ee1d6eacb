/**
 * The server under fuzz, in its own process (forked by fuzz-server-process.ts): the NNRP
 * transport with {@link FuzzController}, on TCP and QUIC. It never catches its own crashes: a crash must show as
 * the process exiting. IPC: sends `{ ready: tcpPort, quicPort, ca }`; answers `{ stats: id, collect }` with its
 * figures (after a full GC when `collect`); exits on `stop`.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  DropOnTimeoutInterceptor,
  NnrpEngine,
  NnrpExceptionFilter,
  NnrpTransport,
} from '@nest-nnrp/nest';
import { FuzzController } from './fuzz-controller';
import { FUZZ_SERVER_OPTIONS } from './fuzz-server-options';
import { ServerStats } from './fuzz-target';

/** How often the server samples its own RSS (a spike between two IPC requests still counts). */
const RSS_SAMPLE_MS = 20;

@Module({ controllers: [FuzzController] })
class FuzzModule {}

async function main(): Promise<void> {
  const transport = new NnrpTransport({
    ...FUZZ_SERVER_OPTIONS,
    tcp: { host: '127.0.0.1', port: 0 },
    // Both QUIC stream models come in on the one QUIC listener (generated certificate).
    quic: { host: '127.0.0.1', port: 0, dev: true },
  });
  const app = await NestFactory.createMicroservice(FuzzModule, {
    strategy: transport,
    logger: false,
  });
  app.useGlobalFilters(new NnrpExceptionFilter());
  app.useGlobalInterceptors(new DropOnTimeoutInterceptor());
  await app.listen();
  let peakRss = process.memoryUsage.rss();
  setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS).unref();
  process.on('message', (message: { stats?: number; collect?: boolean; stop?: true }) => {
    if (message.stats !== undefined) {
      if (message.collect) global.gc?.();
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      const stats: ServerStats = {
        rss: memory.rss,
        peakRss,
        heapUsed: memory.heapUsed,
        arrayBuffers: memory.arrayBuffers,
        connections: transport.unwrap().connectionCount,
      };
      process.send?.({ statsReply: message.stats, stats });
    } else if (message.stop) {
      void app.close().then(() => process.exit(0));
    }
  });
  // An orphan must not outlive the fuzzer (killed, crashed): no IPC channel, no server.
  process.on('disconnect', () => process.exit(0));
  const portOf = (carrier: 'tcp' | 'quic'): number | undefined =>
    transport.addresses.find((address) => address.carrier === carrier)?.port;
  process.send?.({
    ready: portOf('tcp'),
    quicPort: portOf('quic'),
    ca: transport.unwrap<NnrpEngine>().quicCertificateChainPem,
  });
}

void main();
