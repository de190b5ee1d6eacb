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
  /** The port of the mode's carrier. */
  readonly port: number;
  /** The QUIC listener's port (QUIC modes, or TCP mode with `quic` options: both listeners). */
  readonly quicPort: number | undefined;
  /** The QUIC listener's generated certificate. */
  readonly certificatePem: string | undefined;
  close(): Promise<void>;
}

/**
 * Starts `controllers` (with `providers`) behind an NnrpTransport on 127.0.0.1:0, listening on
 * the mode's carrier; in `tcp` mode, `options.quic` adds a QUIC listener beside it.
 */
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
    quic: quic || options.quic ? { host: '127.0.0.1', port: 0, dev: true, ...options.quic } : false,
  });
  const app = moduleRef.createNestMicroservice({ strategy: transport });
  // As a user would: failed handlers end in RESULT_DROP, handler timeouts apply.
  app.useGlobalFilters(new NnrpExceptionFilter());
  app.useGlobalInterceptors(new DropOnTimeoutInterceptor());
  await app.listen();
  const portOf = (carrier: 'tcp' | 'quic'): number | undefined =>
    transport.addresses.find((address) => address.carrier === carrier)?.port;
  const quicPort = portOf('quic');
  const port = quic ? quicPort : portOf('tcp');
  if (port === undefined) throw new Error(`no ${mode} listener`);
  const certificatePem = transport.unwrap<NnrpEngine>().quicCertificateChainPem;
  return { app, transport, mode, port, quicPort, certificatePem, close: () => app.close() };
}
