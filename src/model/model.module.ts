import {
  type DynamicModule,
  type FactoryProvider,
  Module,
  type ModuleMetadata,
} from '@nestjs/common';
import { EsrganModel } from './esrgan-model';
import { ESRGAN_MODEL_OPTIONS, type EsrganModelOptions } from './esrgan-model.options';

/** Options of {@link ModelModule.forRootAsync}, for options that come from configuration. */
export interface ModelModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Providers injected into `useFactory`, e.g. `ConfigService`. */
  readonly inject?: FactoryProvider<EsrganModelOptions>['inject'];
  /** Produces the options. */
  readonly useFactory: FactoryProvider<EsrganModelOptions>['useFactory'];
}

/**
 * Provides and exports {@link EsrganModel}. Importing `ModelModule` as is uses the defaults
 * (2×, 2 threads, load on init); `forRoot` / `forRootAsync` add the options provider (Nest merges a
 * dynamic module's metadata into the decorator's, so the model provider and export are kept).
 */
@Module({ providers: [EsrganModel], exports: [EsrganModel] })
export class ModelModule {
  /** Module with static options. */
  static forRoot(options: EsrganModelOptions = {}): DynamicModule {
    return {
      module: ModelModule,
      providers: [{ provide: ESRGAN_MODEL_OPTIONS, useValue: options }],
    };
  }

  /** Module whose options are produced by a factory with injected dependencies. */
  static forRootAsync(options: ModelModuleAsyncOptions): DynamicModule {
    return {
      module: ModelModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: ESRGAN_MODEL_OPTIONS,
          useFactory: options.useFactory,
          inject: options.inject ?? [],
        },
      ],
    };
  }
}
