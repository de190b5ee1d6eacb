/**
 * Bench server: Nest's built-in TCP transport (`Transport.TCP`, JSON framing) running the
 * comparison handlers. Reports its port and stats like every bench server (tcp/server-control).
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import type { Server } from 'node:net';
import { from, Observable } from 'rxjs';
import { runModel, slowDelay, streamModel } from './handler-logic';
import { asNestTcpRequest, NEST_TCP_PATTERN } from './nest-tcp-payload';
import { serveBenchControl } from '../tcp/server-control';

function decode(data: unknown): Buffer {
  return Buffer.from(asNestTcpRequest(data).body, 'base64');
}

@Controller()
class NestTcpBenchController {
  /** Echo hands the string back as is: the cheapest echo Nest TCP allows (no decode). */
  @MessagePattern(NEST_TCP_PATTERN.echo)
  echo(@Payload() data: unknown): string {
    return asNestTcpRequest(data).body;
  }

  @MessagePattern(NEST_TCP_PATTERN.model)
  model(@Payload() data: unknown): string {
    return runModel(decode(data)).toString('base64');
  }

  /** Nest TCP sends every emission of an Observable as its own response message. */
  @MessagePattern(NEST_TCP_PATTERN.stream)
  stream(@Payload() data: unknown): Observable<string> {
    return from(streamModel(decode(data)).map((part) => part.toString('base64')));
  }

  @MessagePattern(NEST_TCP_PATTERN.mixed)
  async mixed(@Payload() data: unknown): Promise<string> {
    const request = asNestTcpRequest(data);
    const output = runModel(Buffer.from(request.body, 'base64')).toString('base64');
    if (request.slow) await slowDelay();
    return output;
  }
}

@Module({ controllers: [NestTcpBenchController] })
class NestTcpBenchModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NestTcpBenchModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: 0 },
    logger: false,
  });
  await app.listen();
  const address = app.unwrap<Server>().address();
  serveBenchControl(typeof address === 'object' && address ? address.port : 0, () => app.close());
}

void main();
