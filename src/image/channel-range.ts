/** Largest value of an 8-bit channel: the clamp bound of 8-bit output and the PSNR peak. */
export const MAX_8BIT_VALUE = 255;
