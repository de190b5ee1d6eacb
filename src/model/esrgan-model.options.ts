/** Upscale factors {@link EsrganModel} serves (the ESRGAN-slim models validated by the tests). */
export const ESRGAN_MODEL_SCALES = [2, 4] as const;

/** An upscale factor {@link EsrganModel} serves. */
export type EsrganScale = (typeof ESRGAN_MODEL_SCALES)[number];

/** Options of {@link EsrganModel}, provided under {@link ESRGAN_MODEL_OPTIONS}. */
export interface EsrganModelOptions {
  /** Upscale factor: selects the ESRGAN-slim `x2` or `x4` weights. Default 2. */
  readonly scale?: EsrganScale;
  /**
   * onnxruntime intra-op threads (threads one inference is split across). Default 2: the service
   * host has few cores and runs the network transport next to the model.
   */
  readonly intraOpNumThreads?: number;
  /** Whether the Nest module init hook loads the model (so the first request is not slowed). Default true. */
  readonly loadOnInit?: boolean;
}

/** Injection token of the {@link EsrganModelOptions}. */
export const ESRGAN_MODEL_OPTIONS = Symbol('ESRGAN_MODEL_OPTIONS');

/** Options with every default applied. */
export type ResolvedEsrganModelOptions = Required<EsrganModelOptions>;

/** Defaults of {@link EsrganModelOptions}. */
export const DEFAULT_ESRGAN_MODEL_OPTIONS: ResolvedEsrganModelOptions = {
  scale: 2,
  intraOpNumThreads: 2,
  loadOnInit: true,
};

/** Applies defaults and rejects invalid values (at construction, not at the first request). */
export function resolveEsrganModelOptions(
  options: EsrganModelOptions = {},
): ResolvedEsrganModelOptions {
  const resolved = { ...DEFAULT_ESRGAN_MODEL_OPTIONS, ...stripUndefined(options) };
  if (!ESRGAN_MODEL_SCALES.includes(resolved.scale)) {
    throw new RangeError(`EsrganModel: scale must be one of ${ESRGAN_MODEL_SCALES.join(', ')}`);
  }
  if (!Number.isInteger(resolved.intraOpNumThreads) || resolved.intraOpNumThreads < 1) {
    throw new RangeError('EsrganModel: intraOpNumThreads must be a positive integer');
  }
  return resolved;
}

function stripUndefined(options: EsrganModelOptions): EsrganModelOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
