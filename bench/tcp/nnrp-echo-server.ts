/**
 * Bench server: the NNRP transport with an echo handler (route 0, any other route too), plus the
 * comparison handlers of bench/compare on their route ids: the model, its streaming variant and
 * the mixed-latency one. Prints `READY <port>` when listening.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { NnrpContext, NnrpEngine, NnrpResult, NnrpSubmit, NnrpTransport } from '@nest-nnrp/nest';
import { from, Observable } from 'rxjs';
import { isSlowRequest, ROUTE, runModel, slowDelay, streamModel } from '../compare/handler-logic';
import { serveBenchControl } from './server-control';

@Controller()
class EchoController {
  @NnrpSubmit()
  echo(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): NnrpResult {
    return { body, payloadKindBitmap: ctx.submit?.payloadKindBitmap ?? 0 };
  }

  @NnrpSubmit({ routeId: ROUTE.model })
  model(@Payload() body: Buffer): Buffer {
    return runModel(body);
  }

  /** Every emission but the last goes out as a partial RESULT_PUSH. */
  @NnrpSubmit({ routeId: ROUTE.stream })
  stream(@Payload() body: Buffer): Observable<Buffer> {
    return from(streamModel(body));
  }

  /**
   * Slow for every 10th frame of a connection; the client's latency budget then makes the
   * transport answer RESULT_DROP. The model runs first because the body is only borrowed while
   * the frame is live.
   */
  @NnrpSubmit({ routeId: ROUTE.mixed })
  async mixed(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): Promise<Buffer> {
    const output = runModel(body);
    if (isSlowRequest(ctx.frameId)) await slowDelay();
    return output;
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
