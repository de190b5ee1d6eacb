import 'reflect-metadata';
import { INestMicroservice, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  DropOnTimeoutInterceptor,
  NnrpEngine,
  NnrpExceptionFilter,
  NnrpTransport,
  NnrpTransportOptions,
} from '@nest-nnrp/nest';
import { CarrierMode } from './carrier-mode';

/** A Nest microservice serving NNRP on an ephemeral port of one carrier, for end-to-end tests. */
export interface NnrpTestApp {
  readonly app: INestMicroservice;
  readonly transport: NnrpTransport;
  readonly mode: CarrierMode;
  readonly port: number;
  /** The QUIC listener's generated certificate (QUIC modes). */
  readonly certificatePem: string | undefined;
  close(): Promise<void>;
}

/** Starts `controllers` (with `providers`) behind an NnrpTransport on 127.0.0.1:0. */
export async function startNnrpTestApp(
  controllers: Type<unknown>[],
  options: NnrpTransportOptions = {},
  providers: Type<unknown>[] = [],
  mode: CarrierMode = 'tcp',
): Promise<NnrpTestApp> {
  const moduleRef = await Test.createTestingModule({ controllers, providers }).compile();
  const quic = mode !== 'tcp';
  const transport = new NnrpTransport({
    logger: false,
    closeGraceMs: 50,
    shutdownDrainMs: 500,
    ...options,
    tcp: quic ? false : { host: '127.0.0.1', ...options.tcp, port: 0 },
    quic: quic ? { host: '127.0.0.1', port: 0, dev: true, ...options.quic } : false,
  });
  const app = moduleRef.createNestMicroservice({ strategy: transport });
  // As a user would: failed handlers end in RESULT_DROP, handler timeouts apply.
  app.useGlobalFilters(new NnrpExceptionFilter());
  app.useGlobalInterceptors(new DropOnTimeoutInterceptor());
  await app.listen();
  const port = transport.addresses[0].port;
  const certificatePem = transport.unwrap<NnrpEngine>().quicCertificateChainPem;
  return { app, transport, mode, port, certificatePem, close: () => app.close() };
}
