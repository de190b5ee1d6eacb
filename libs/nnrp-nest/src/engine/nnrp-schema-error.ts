import { SchemaErrorCode } from '@nest-nnrp/protocol';

/**
 * A typed payload whose schema binding does not validate against the registry (data-plane.md
 * §9.4), with its stable schema error code: schema_unknown, schema_version_unknown,
 * schema_incompatible or schema_update_rejected. Thrown from a handler, it drops the frame.
 */
export class NnrpSchemaError extends Error {
  override readonly name = 'NnrpSchemaError';

  constructor(
    readonly code: SchemaErrorCode,
    message = `schema binding refused (0x${code.toString(16)})`,
  ) {
    super(message);
  }
}
