import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { INestApplication, Logger, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  DropOnTimeoutInterceptor,
  NnrpExceptionFilter,
  NnrpTransport,
  NnrpTransportOptions,
} from '@nest-nnrp/nest';
import { AppModule } from './app.module';
import { SERVICE_CONFIG, ServiceConfig } from './config/service-config';
import { ServiceState } from './health/service-state';
import { NnrpMetrics } from './metrics/nnrp-metrics.service';
import { UpscaleModels } from './upscale/upscale-models';
import { SCALE_ROUTES, UPSCALE_SCHEMA } from './upscale/upscale-wire';

/** A running service: the HTTP app with the NNRP microservice connected. */
export interface RunningService {
  readonly app: INestApplication;
  readonly transport: NnrpTransport;
  readonly config: ServiceConfig;
  /** Bound ports (real ones when 0 was configured). */
  readonly ports: { tcp?: number; quic?: number; http: number };
  close(): Promise<void>;
}

/**
 * Starts the service: the Nest HTTP app (health, metrics) with the NNRP transport connected as a
 * microservice on TCP and QUIC. Configuration comes from the environment (`env`).
 */
export async function startService(
  env: Readonly<Record<string, string | undefined>> = process.env,
  logger: LoggerService | false = new Logger('nnrp'),
): Promise<RunningService> {
  const app = await NestFactory.create(AppModule.forRoot(env), {
    logger: logger === false ? false : undefined,
  });
  const config = app.get<ServiceConfig>(SERVICE_CONFIG);
  const metrics = app.get(NnrpMetrics);
  const transport = new NnrpTransport(transportOptions(config, metrics, logger));
  // Before connectMicroservice: it builds the handlers' filter and interceptor chains at once.
  app.useGlobalFilters(new NnrpExceptionFilter());
  app.useGlobalInterceptors(new DropOnTimeoutInterceptor());
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
  app.get(ServiceState).transport = transport;
  const server = app.getHttpServer() as { address(): { port: number } };
  const ports = {
    tcp: transport.addresses.find((a) => a.carrier === 'tcp')?.port,
    quic: transport.addresses.find((a) => a.carrier === 'quic')?.port,
    http: server.address().port,
  };
  if (logger) {
    logger.log(
      `NNRP super-resolution ready: tcp ${config.nnrpHost}:${ports.tcp}` +
        (ports.quic === undefined ? '' : `, quic ${config.nnrpHost}:${ports.quic}`) +
        `, http ${config.httpHost}:${ports.http}; models ${app.get(UpscaleModels).names.join(', ')}` +
        (config.authSecret ? '; HMAC auth on' : '; auth off'),
    );
  }
  return { app, transport, config, ports, close: () => app.close() };
}

function transportOptions(
  config: ServiceConfig,
  metrics: NnrpMetrics,
  logger: LoggerService | false,
): NnrpTransportOptions {
  return {
    tcp: { host: config.nnrpHost, port: config.tcpPort },
    quic:
      config.quicPort === undefined
        ? false
        : {
            host: config.nnrpHost,
            port: config.quicPort,
            ...(config.quicCertFile && config.quicKeyFile
              ? {
                  certificateChainPem: readFileSync(config.quicCertFile, 'utf8'),
                  privateKeyPem: readFileSync(config.quicKeyFile, 'utf8'),
                }
              : { dev: true }),
          },
    schemas: [UPSCALE_SCHEMA],
    supportedProfiles: [1, 2],
    modelRoutes: SCALE_ROUTES,
    profile: { maxInFlightPerSession: config.maxInFlight, maxBodyBytes: 64 * 1024 * 1024 },
    events: metrics.events,
    logger,
  };
}
