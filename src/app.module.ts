import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { HmacTokenPolicy, NNRP_AUTH_POLICY, NnrpAuthGuard } from '@nest-nnrp/nest';
import { parseServiceConfig, SERVICE_CONFIG, ServiceConfig } from './config/service-config';
import { HealthController } from './health/health.controller';
import { ServiceState } from './health/service-state';
import { MetricsController } from './metrics/metrics.controller';
import { NnrpMetrics } from './metrics/nnrp-metrics.service';
import { UpscaleController } from './upscale/upscale.controller';
import { UpscaleModels } from './upscale/upscale-models';

type Env = Readonly<Record<string, string | undefined>>;

/** The example super-resolution service: NNRP controllers, models, health and metrics. */
@Module({})
export class AppModule {
  /** The service configured from `env` (the process environment by default) via @nestjs/config. */
  static forRoot(env: Env = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ service: parseServiceConfig(env) })],
        }),
        TerminusModule,
      ],
      controllers: [UpscaleController, HealthController, MetricsController],
      providers: PROVIDERS,
    };
  }
}

const PROVIDERS = [
  {
    provide: SERVICE_CONFIG,
    inject: [ConfigService],
    useFactory: (config: ConfigService): ServiceConfig =>
      config.getOrThrow<ServiceConfig>('service'),
  },
  {
    // The HMAC token policy of the Python server, on both handshakes, when a secret is set.
    provide: NNRP_AUTH_POLICY,
    inject: [SERVICE_CONFIG],
    useFactory: (config: ServiceConfig) =>
      config.authSecret ? new HmacTokenPolicy(config.authSecret) : undefined,
  },
  NnrpAuthGuard,
  UpscaleModels,
  NnrpMetrics,
  ServiceState,
];
