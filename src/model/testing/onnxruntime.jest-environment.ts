import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import NodeEnvironment from 'jest-environment-node';

/**
 * Typed-array constructors onnxruntime-node's output path checks with `instanceof`. Float16Array is
 * included when the host has it (Node ≥ 23).
 */
const HOST_TYPED_ARRAYS = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint16Array',
  'Uint32Array',
  'Uint8ClampedArray',
  'BigInt64Array',
  'BigUint64Array',
  'Float16Array',
] as const;

/**
 * Jest's node environment, plus the host realm's typed-array constructors.
 *
 * Why: jest runs each test file in its own `vm` context, whose `Float32Array` is a different
 * function from the host's. onnxruntime-node's native binding allocates output buffers in the host
 * realm, and `onnxruntime-common` (loaded inside the test context) then rejects them with "A float32
 * tensor's data must be type of function Float32Array()" (microsoft/onnxruntime#16622). Outside
 * jest there is a single realm and nothing of this applies. jest-environment-node already does the
 * same for `Uint8Array`/`ArrayBuffer` (for Buffer); this extends it to the other typed arrays.
 *
 * Used per file with a `@jest-environment ./src/model/testing/onnxruntime.jest-environment.ts`
 * docblock, so the shared jest config stays untouched.
 */
export default class OnnxRuntimeEnvironment extends NodeEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const host: Record<string, unknown> = globalThis;
    const sandbox: Record<string, unknown> = this.global;
    for (const name of HOST_TYPED_ARRAYS) {
      if (host[name] !== undefined) sandbox[name] = host[name];
    }
  }
}
