import 'reflect-metadata';
import { INestMicroservice, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  DropOnTimeoutInterceptor,
  NnrpExceptionFilter,
  NnrpTransport,
  NnrpTransportOptions,
} from '@nest-nnrp/nest';

/** A Nest microservice serving NNRP on an ephemeral TCP port, for end-to-end tests. */
export interface NnrpTestApp {
  readonly app: INestMicroservice;
  readonly transport: NnrpTransport;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts `controllers` (with `providers`) behind an NnrpTransport on 127.0.0.1:0. */
export async function startNnrpTestApp(
  controllers: Type<unknown>[],
  options: NnrpTransportOptions = {},
  providers: Type<unknown>[] = [],
): Promise<NnrpTestApp> {
  const moduleRef = await Test.createTestingModule({ controllers, providers }).compile();
  const transport = new NnrpTransport({
    logger: false,
    closeGraceMs: 50,
    shutdownDrainMs: 500,
    ...options,
    tcp: { host: '127.0.0.1', port: 0 },
  });
  const app = moduleRef.createNestMicroservice({ strategy: transport });
  // As a user would: failed handlers end in RESULT_DROP, handler timeouts apply.
  app.useGlobalFilters(new NnrpExceptionFilter());
  app.useGlobalInterceptors(new DropOnTimeoutInterceptor());
  await app.listen();
  const port = transport.addresses.find((a) => a.carrier === 'tcp')!.port;
  return { app, transport, port, close: () => app.close() };
}
