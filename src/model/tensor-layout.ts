/**
 * Layout bridging between Keras (channels-last: activations NHWC, conv kernels HWIO) and ONNX
 * (channels-first: activations NCHW, `Conv` weights OIHW).
 *
 * Why convert at all: ONNX `Conv` only accepts NCHW. The converted graph therefore transposes the
 * NHWC model input to NCHW once, runs every layer in NCHW, and transposes the output back, rather
 * than wrapping each conv in a transpose pair. Kernels are transposed once at conversion time.
 */

/** `Transpose` permutation turning an NHWC tensor into NCHW. */
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;

/** `Transpose` permutation turning an NCHW tensor into NHWC. */
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

/** Rank of the image tensors this converter handles (batch, two spatial axes, channels). */
export const IMAGE_TENSOR_RANK = 4;

/**
 * Maps a Keras axis of a channels-last rank-4 tensor (negative allowed) to the same axis of the
 * NCHW tensor that represents it in the ONNX graph.
 */
export function nhwcAxisToNchw(axis: number): number {
  const normalized = axis < 0 ? axis + IMAGE_TENSOR_RANK : axis;
  if (!Number.isInteger(normalized) || normalized < 0 || normalized >= IMAGE_TENSOR_RANK) {
    throw new RangeError(`axis ${axis} is out of range for a rank-${IMAGE_TENSOR_RANK} tensor`);
  }
  const permutation: readonly number[] = NHWC_TO_NCHW;
  return permutation.indexOf(normalized);
}

/**
 * Reorders a Keras 2-D conv kernel `[kh, kw, in, out]` (HWIO) into ONNX's `[out, in, kh, kw]`
 * (OIHW). Values are row-major in both.
 */
export function hwioToOihw(values: Float32Array, shape: readonly number[]): Float32Array {
  const [kh, kw, cin, cout] = shape;
  if (shape.length !== IMAGE_TENSOR_RANK || values.length !== kh * kw * cin * cout) {
    throw new RangeError(`kernel shape [${shape}] does not match ${values.length} values`);
  }
  const out = new Float32Array(values.length);
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + h) * kw + w] = values[((h * kw + w) * cin + i) * cout + o];
        }
      }
    }
  }
  return out;
}
