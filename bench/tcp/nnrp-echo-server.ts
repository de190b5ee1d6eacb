/** Bench server: the NNRP transport with an echo handler. Prints `READY <port>` when listening. */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { NnrpContext, NnrpResult, NnrpSubmit, NnrpTransport } from '@nest-nnrp/nest';
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
  const transport = new NnrpTransport({
    tcp: { host: '127.0.0.1', port: 0 },
    logger: false,
    profile: { maxInFlightPerSession: 256, maxBodyBytes: 64 * 1024 * 1024 },
    limits: { maxSessionsPerConnection: 16 },
  });
  const app = await NestFactory.createMicroservice(BenchModule, {
    strategy: transport,
    logger: false,
  });
  await app.listen();
  serveBenchControl(transport.addresses[0].port, () => app.close());
}

void main();
