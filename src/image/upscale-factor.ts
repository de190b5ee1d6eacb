/**
 * Throws unless `scale` is a positive integer. The image upscalers in this folder only implement
 * integer factors: that is what tile super-resolution uses, and it keeps every output pixel's
 * source position exact.
 */
export function assertIntegerScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 1) {
    throw new RangeError(`scale must be a positive integer, got ${scale}`);
  }
}
