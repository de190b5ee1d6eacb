import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EsrganModel } from './esrgan-model';
import { ModelModule } from './model.module';

@Injectable()
class ModelSettings {
  readonly scale = 4 as const;
}

@Module({ providers: [ModelSettings], exports: [ModelSettings] })
class SettingsModule {}

/** DI wiring only: `loadOnInit: false` keeps these tests free of model loading. */
describe('ModelModule', () => {
  it('provides EsrganModel with defaults when imported as is', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ModelModule] }).compile();
    const model = moduleRef.get(EsrganModel);
    expect(model.scale).toBe(2);
    expect(model.info().intraOpNumThreads).toBe(2);
  });

  it('forRoot passes static options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ModelModule.forRoot({ scale: 4, intraOpNumThreads: 1, loadOnInit: false })],
    }).compile();
    await moduleRef.init();
    const model = moduleRef.get(EsrganModel);
    expect(model.info()).toMatchObject({
      modelName: 'esrgan-slim-x4',
      intraOpNumThreads: 1,
      loaded: false,
    });
    await moduleRef.close();
  });

  it('forRootAsync builds options from injected providers', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ModelModule.forRootAsync({
          imports: [SettingsModule],
          inject: [ModelSettings],
          useFactory: (settings: ModelSettings) => ({ scale: settings.scale, loadOnInit: false }),
        }),
      ],
    }).compile();
    expect(moduleRef.get(EsrganModel).scale).toBe(4);
  });
});
