/** An 8-bit RGB image, rows top to bottom, pixels interleaved (NHWC with N = 1). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** `width * height * 3` bytes. */
  readonly data: Uint8Array;
}

/** Bytes per RGB pixel. */
export const RGB_CHANNELS = 3;
