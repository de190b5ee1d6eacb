/** IEEE 754 binary16 layout. */
const EXPONENT_BITS_MASK = 0x1f;
const MANTISSA_BITS = 10;
const MANTISSA_MASK = 0x3ff;
const SIGN_SHIFT = 15;
const EXPONENT_BIAS = 15;
/** Exponent field value reserved for infinities and NaNs. */
const EXPONENT_SPECIAL = 0x1f;
/** Subnormals are `mantissa · 2^(1 − bias − mantissaBits)` = `mantissa · 2^−24`. */
const SUBNORMAL_EXPONENT = 1 - EXPONENT_BIAS - MANTISSA_BITS;

/**
 * Decodes one IEEE 754 half-precision value (as stored by the TF.js converter's `float16`
 * weight quantization) to a JavaScript number.
 */
export function float16ToNumber(bits: number): number {
  const sign = bits >> SIGN_SHIFT ? -1 : 1;
  const exponent = (bits >> MANTISSA_BITS) & EXPONENT_BITS_MASK;
  const mantissa = bits & MANTISSA_MASK;
  if (exponent === 0) return sign * mantissa * 2 ** SUBNORMAL_EXPONENT;
  if (exponent === EXPONENT_SPECIAL) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / (MANTISSA_MASK + 1)) * 2 ** (exponent - EXPONENT_BIAS);
}
