/**
 * Bench server: Nest's gRPC transport (`Transport.GRPC`, bench.proto) running the comparison
 * handlers: unary RPCs for request/response, server streaming for the streaming case.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, MicroserviceOptions, Transport } from '@nestjs/microservices';
import { from, map, Observable } from 'rxjs';
import { freePort } from './free-port';
import {
  asGrpcFrame,
  GRPC_MAX_MESSAGE_BYTES,
  GRPC_METHOD,
  GrpcFrame,
  PROTO_PACKAGE,
  PROTO_PATH,
  PROTO_SERVICE,
} from './grpc-contract';
import { runModel, slowDelay, streamModel } from './handler-logic';
import { serveBenchControl } from '../tcp/server-control';

@Controller()
class GrpcBenchController {
  @GrpcMethod(PROTO_SERVICE, GRPC_METHOD.echo)
  echo(request: unknown): GrpcFrame {
    return { body: asGrpcFrame(request).body };
  }

  @GrpcMethod(PROTO_SERVICE, GRPC_METHOD.model)
  model(request: unknown): GrpcFrame {
    return { body: runModel(asGrpcFrame(request).body) };
  }

  /** Server streaming: Nest writes each emission as one message, honouring backpressure. */
  @GrpcMethod(PROTO_SERVICE, GRPC_METHOD.stream)
  stream(request: unknown): Observable<GrpcFrame> {
    return from(streamModel(asGrpcFrame(request).body)).pipe(map((body) => ({ body })));
  }

  /**
   * grpc-js ends a call whose deadline passed with DEADLINE_EXCEEDED by itself; this handler
   * still runs to the end and its answer is discarded (Nest does not cancel unary handlers).
   */
  @GrpcMethod(PROTO_SERVICE, GRPC_METHOD.mixed)
  async mixed(request: unknown): Promise<GrpcFrame> {
    const frame = asGrpcFrame(request);
    const body = runModel(frame.body);
    if (frame.slow) await slowDelay();
    return { body };
  }
}

@Module({ controllers: [GrpcBenchController] })
class GrpcBenchModule {}

async function main(): Promise<void> {
  const port = await freePort();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(GrpcBenchModule, {
    transport: Transport.GRPC,
    options: {
      url: `127.0.0.1:${port}`,
      package: PROTO_PACKAGE,
      protoPath: PROTO_PATH,
      maxReceiveMessageLength: GRPC_MAX_MESSAGE_BYTES,
      maxSendMessageLength: GRPC_MAX_MESSAGE_BYTES,
    },
    logger: false,
  });
  await app.listen();
  serveBenchControl(port, () => app.close());
}

void main();
