import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { NnrpExceptionFilter, NnrpTransport } from '@nest-nnrp/nest';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const port = Number(process.env.NNRP_TCP_PORT ?? 4433);
  const host = process.env.NNRP_HOST ?? '0.0.0.0';
  const transport = new NnrpTransport({ tcp: { host, port } });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    strategy: transport,
  });
  app.useGlobalFilters(new NnrpExceptionFilter());
  app.enableShutdownHooks();
  await app.listen();
  const tcp = transport.addresses.find((a) => a.carrier === 'tcp');
  new Logger('nnrp').log(`NNRP echo service ready on tcp ${tcp?.host}:${tcp?.port}`);
}

void bootstrap();
