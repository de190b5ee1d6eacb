/** Bench server: the NNRP transport with an echo handler. Prints `READY <port>` when listening. */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { NnrpContext, NnrpEngine, NnrpResult, NnrpSubmit, NnrpTransport } from '@nest-nnrp/nest';
import { serveBenchControl } from './server-control';

@Controller()
class EchoController {
  @NnrpSubmit()
  echo(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): NnrpResult {
    return { body, payloadKindBitmap: ctx.submit?.payloadKindBitmap ?? 0 };
  }
}

@Module({ controllers: [EchoController] })
class BenchModule {}

async function main(): Promise<void> {
  // BENCH_CARRIER=quic serves QUIC (generated localhost certificate) instead of TCP.
  const quic = process.env.BENCH_CARRIER === 'quic';
  const transport = new NnrpTransport({
    tcp: quic ? false : { host: '127.0.0.1', port: 0 },
    quic: quic ? { host: '127.0.0.1', port: 0, dev: true } : false,
    logger: false,
    profile: { maxInFlightPerSession: 256, maxBodyBytes: 64 * 1024 * 1024 },
    limits: { maxSessionsPerConnection: 16 },
  });
  const app = await NestFactory.createMicroservice(BenchModule, {
    strategy: transport,
    logger: false,
  });
  await app.listen();
  serveBenchControl(
    transport.addresses[0].port,
    () => app.close(),
    () => ({ listeners: transport.unwrap<NnrpEngine>().listenerStats() }),
  );
}

void main();
