import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceConfig } from '../config/service-config';
import { EsrganModel, EsrganScale } from '../model';

/** The ESRGAN networks the service serves, one per configured scale, loaded at start-up. */
@Injectable()
export class UpscaleModels implements OnModuleInit, OnModuleDestroy {
  private readonly models = new Map<number, EsrganModel>();

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    for (const scale of config.scales) {
      this.models.set(
        scale,
        new EsrganModel({ scale, intraOpNumThreads: config.modelThreads, loadOnInit: false }),
      );
    }
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([...this.models.values()].map((model) => model.load()));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.models.values()].map((model) => model.dispose()));
  }

  /** The model of a scale, if loaded. */
  forScale(scale: number): EsrganModel | undefined {
    return this.models.get(scale);
  }

  /** Scales served. */
  get scales(): EsrganScale[] {
    return [...this.models.keys()] as EsrganScale[];
  }

  /** True when every model finished loading. */
  get loaded(): boolean {
    return [...this.models.values()].every((model) => model.loaded);
  }

  /** Names of the loaded models, for logs and health. */
  get names(): string[] {
    return [...this.models.values()].map((model) => model.modelName);
  }
}
