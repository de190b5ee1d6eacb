import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { UpscaleModels } from '../upscale/upscale-models';
import { ServiceState } from './service-state';

/** `GET /health`: the models are loaded and the NNRP listeners are up. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly models: UpscaleModels,
    private readonly state: ServiceState,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => {
        const check = this.indicator.check('model');
        return this.models.loaded
          ? check.up({ models: this.models.names })
          : check.down({ models: this.models.names });
      },
      () => {
        const check = this.indicator.check('nnrp');
        const listeners = this.state.transport?.addresses ?? [];
        return listeners.length > 0 ? check.up({ listeners }) : check.down({ listeners });
      },
    ]);
  }
}
