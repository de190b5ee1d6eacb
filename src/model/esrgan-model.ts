import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import * as ort from 'onnxruntime-node';
import { RGB_CHANNELS, type RgbImage } from '../image/rgb-image';
import { assertRgbImage } from '../image/assert-rgb-image';
import {
  ESRGAN_MODEL_OPTIONS,
  type EsrganModelOptions,
  type EsrganScale,
  type ResolvedEsrganModelOptions,
  resolveEsrganModelOptions,
} from './esrgan-model.options';
import { buildEsrganSlimOnnx } from './esrgan-slim-onnx';
import { encodeOnnxModel } from './onnx-graph-builder';

/** Snapshot of the model's identity and state, e.g. for health and metrics endpoints. */
export interface EsrganModelInfo {
  /** `esrgan-slim-x<scale>`. */
  readonly modelName: string;
  /** Upscale factor. */
  readonly scale: EsrganScale;
  /** Whether the inference session is ready. */
  readonly loaded: boolean;
  /** Wall time of the last successful {@link EsrganModel.load} (conversion + session), in ms. */
  readonly loadTimeMs: number | undefined;
  /** onnxruntime intra-op threads. */
  readonly intraOpNumThreads: number;
}

/**
 * The ESRGAN-slim super-resolution network (UpscalerJS' RDN "slim" weights) converted from Keras
 * to ONNX at start-up and run by onnxruntime on the CPU.
 *
 * Pixel contract (from ESRGAN-slim's model definition, see `ESRGAN_SLIM_PIXEL_RANGE`): the network
 * takes 0..255 values as float32 and predicts 0..255; predictions are clamped and rounded to 8 bits.
 * Tiles are independent: the model has no notion of neighbours, so callers pad tiles themselves.
 */
@Injectable()
export class EsrganModel implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EsrganModel.name);
  private readonly options: ResolvedEsrganModelOptions;
  private session: ort.InferenceSession | undefined;
  private loading: Promise<ort.InferenceSession> | undefined;
  private lastLoadTimeMs: number | undefined;

  /** @param options see {@link EsrganModelOptions}; all optional. */
  constructor(@Optional() @Inject(ESRGAN_MODEL_OPTIONS) options?: EsrganModelOptions) {
    this.options = resolveEsrganModelOptions(options);
  }

  /** Upscale factor: output tiles are `scale` times wider and taller. */
  get scale(): EsrganScale {
    return this.options.scale;
  }

  /** `esrgan-slim-x2` or `esrgan-slim-x4`. */
  get modelName(): string {
    return `esrgan-slim-x${this.options.scale}`;
  }

  /** Whether {@link load} has completed and inference can run without waiting. */
  get loaded(): boolean {
    return this.session !== undefined;
  }

  /** Duration of the last successful load (Keras → ONNX conversion + session creation), in ms. */
  get loadTimeMs(): number | undefined {
    return this.lastLoadTimeMs;
  }

  /** Identity and state in one object. */
  info(): EsrganModelInfo {
    return {
      modelName: this.modelName,
      scale: this.scale,
      loaded: this.loaded,
      loadTimeMs: this.loadTimeMs,
      intraOpNumThreads: this.options.intraOpNumThreads,
    };
  }

  /** Nest hook: loads eagerly unless `loadOnInit` is false, so the first request is not slowed. */
  async onModuleInit(): Promise<void> {
    if (this.options.loadOnInit) await this.load();
  }

  /** Nest hook: frees the native session. */
  async onModuleDestroy(): Promise<void> {
    await this.dispose();
  }

  /**
   * Converts the Keras weights to ONNX and creates the inference session. Idempotent and safe to
   * call concurrently (one load runs); after a failure the next call retries.
   */
  async load(): Promise<void> {
    await this.ready();
  }

  /** Upscales one RGB tile (loads the model first if needed). */
  async upscale(input: RgbImage): Promise<RgbImage> {
    const [output] = await this.upscaleBatch([input]);
    return output;
  }

  /**
   * Upscales several tiles of identical size in a single inference (one `[N, H, W, 3]` tensor),
   * which amortises per-run overhead. Results are in input order.
   */
  async upscaleBatch(inputs: readonly RgbImage[]): Promise<RgbImage[]> {
    if (inputs.length === 0) return [];
    const { width, height } = inputs[0];
    inputs.forEach((input, i) => {
      assertRgbImage(input, `tile ${i}`);
      if (input.width !== width || input.height !== height) {
        throw new RangeError(
          `tile ${i} is ${input.width}x${input.height}, batch tiles must all be ${width}x${height}`,
        );
      }
    });
    const session = await this.ready();

    // The network's input range is 0..255 (no normalisation): bytes become float32 as they are.
    const tileLength = width * height * RGB_CHANNELS;
    const batch = new Float32Array(inputs.length * tileLength);
    inputs.forEach((input, i) => batch.set(input.data, i * tileLength));
    const feeds = {
      [session.inputNames[0]]: new ort.Tensor('float32', batch, [
        inputs.length,
        height,
        width,
        RGB_CHANNELS,
      ]),
    };
    const results = await session.run(feeds);
    const prediction = results[session.outputNames[0]];

    const outWidth = width * this.scale;
    const outHeight = height * this.scale;
    const expectedDims = [inputs.length, outHeight, outWidth, RGB_CHANNELS];
    if (prediction.type !== 'float32' || prediction.dims.join() !== expectedDims.join()) {
      throw new Error(
        `${this.modelName}: unexpected output ${prediction.type} [${prediction.dims}], ` +
          `expected float32 [${expectedDims}]`,
      );
    }
    // Checked just above; `instanceof Float32Array` is avoided because the array is created by the
    // native binding, possibly in another JS realm (e.g. under jest).
    const values = prediction.data as Float32Array;
    const outLength = outWidth * outHeight * RGB_CHANNELS;
    return inputs.map((_, i) => {
      // Uint8ClampedArray conversion clamps to 0..255 (the model's output range) and rounds to
      // the nearest integer natively, much faster than a per-value Math loop.
      const clamped = new Uint8ClampedArray(values.subarray(i * outLength, (i + 1) * outLength));
      return { data: new Uint8Array(clamped.buffer), width: outWidth, height: outHeight };
    });
  }

  /** Releases the native session; a later call to {@link load} or an upscale reloads. */
  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    this.session = undefined;
    if (loading === undefined) return;
    const session = await loading.catch(() => undefined);
    await session?.release();
  }

  private ready(): Promise<ort.InferenceSession> {
    if (this.loading === undefined) {
      const loading: Promise<ort.InferenceSession> = this.createSession().then(
        (session) => {
          // A dispose() during the load has dropped this promise: do not resurrect its session.
          if (this.loading === loading) this.session = session;
          return session;
        },
        (error: unknown) => {
          if (this.loading === loading) this.loading = undefined; // let the next call retry
          throw error;
        },
      );
      this.loading = loading;
    }
    return this.loading;
  }

  private async createSession(): Promise<ort.InferenceSession> {
    const started = performance.now();
    const model = encodeOnnxModel(buildEsrganSlimOnnx(this.scale));
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: this.options.intraOpNumThreads,
      // The graph is essentially a chain of convolutions: parallelism comes from splitting each op
      // across intra-op threads; inter-op threads (parallel branches) would only idle.
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    this.lastLoadTimeMs = performance.now() - started;
    this.logger.log(
      `${this.modelName} loaded in ${this.lastLoadTimeMs.toFixed(0)} ms ` +
        `(${this.options.intraOpNumThreads} intra-op threads)`,
    );
    return session;
  }
}
