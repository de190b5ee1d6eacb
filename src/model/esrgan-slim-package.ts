import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expectObject } from './json-guards';

/** The npm package shipping the ESRGAN-slim weights (MIT, UpscalerJS). */
export const ESRGAN_SLIM_PACKAGE = '@upscalerjs/esrgan-slim';

/** Upscale factors for which the package ships a model (`models/x<scale>/model.json`). */
export const ESRGAN_SLIM_SCALES = [2, 3, 4, 8] as const;

/** An upscale factor the package ships a model for. */
export type EsrganSlimScale = (typeof ESRGAN_SLIM_SCALES)[number];

/**
 * ESRGAN-slim's own I/O range, from the package's model definition
 * (`dist/cjs/packages/shared/src/esrgan/esrgan.js`, `architecture: "rdn"` branch):
 * `inputRange: [0, 255]`, `outputRange: [0, 255]`. UpscalerJS therefore feeds raw 0..255 pixel
 * values as float32 (no /255) and clips the prediction to [0, 255] before turning it into pixels.
 */
export const ESRGAN_SLIM_PIXEL_RANGE = { min: 0, max: 255 } as const;

function isPackageRoot(directory: string): boolean {
  const manifest = join(directory, 'package.json');
  if (!existsSync(manifest)) return false;
  const json: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
  return expectObject(json, manifest)['name'] === ESRGAN_SLIM_PACKAGE;
}

/**
 * Root directory of the installed package. Its `exports` map hides `package.json`, so resolve the
 * package's main entry (honouring node's normal lookup: workspaces, hoisting) and walk up.
 */
export function esrganSlimPackageRoot(): string {
  let directory = dirname(require.resolve(ESRGAN_SLIM_PACKAGE));
  while (!isPackageRoot(directory)) {
    const parent = dirname(directory);
    if (parent === directory)
      throw new Error(`cannot locate the ${ESRGAN_SLIM_PACKAGE} package root`);
    directory = parent;
  }
  return directory;
}

/** Path of the `model.json` of the ESRGAN-slim model for `scale`. */
export function esrganSlimModelJsonPath(scale: EsrganSlimScale): string {
  return join(esrganSlimPackageRoot(), 'models', `x${scale}`, 'model.json');
}
