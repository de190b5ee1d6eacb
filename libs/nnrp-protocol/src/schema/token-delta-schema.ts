import { VERSION_MAJOR } from '../header/packet-header';
import { ProfileId } from '../messages/control/session-vocabulary';
import type { SchemaDescriptorHeader } from './schema-descriptor';

/** Schema id of the standard token-delta schema (data-plane.md §9.2). */
export const TOKEN_DELTA_SCHEMA_ID = 0x00001001;
/** Version of the standard token-delta schema in preview3. */
export const TOKEN_DELTA_SCHEMA_VERSION = 3;
/** `stream_semantics` append: token chunks extend the stream (data-plane.md §10.9). */
export const TOKEN_DELTA_STREAM_SEMANTICS = 2;
/** `schema_hash` of the token-delta schema: ASCII "nnrptok3" read as a u64 (big-endian text). */
export const TOKEN_DELTA_SCHEMA_HASH = 0x6e6e7270746f6b33n;

/**
 * The standard token-delta schema descriptor, the one entry of the standard preview3 registry
 * (`token_delta_schema_descriptor()`, data-plane.md §9.2). Encodes to the golden bytes
 * `011000000300000002000000010100000000000000000200336b6f7470726e6e`.
 */
export const TOKEN_DELTA_SCHEMA_DESCRIPTOR: Readonly<SchemaDescriptorHeader> = Object.freeze({
  schemaId: TOKEN_DELTA_SCHEMA_ID,
  schemaVersion: TOKEN_DELTA_SCHEMA_VERSION,
  profileId: ProfileId.Token,
  schemaFlags: 0,
  minVersionMajor: VERSION_MAJOR,
  maxVersionMajor: VERSION_MAJOR,
  bodyBytes: 0,
  dependencyCount: 0,
  defaultStreamSemantics: TOKEN_DELTA_STREAM_SEMANTICS,
  schemaHash: TOKEN_DELTA_SCHEMA_HASH,
});
