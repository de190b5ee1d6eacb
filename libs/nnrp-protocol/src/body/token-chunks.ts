import { ProfileId } from '../messages/control/session-vocabulary';
import {
  TOKEN_DELTA_SCHEMA_ID,
  TOKEN_DELTA_SCHEMA_VERSION,
  TOKEN_DELTA_STREAM_SEMANTICS,
} from '../schema/token-delta-schema';
import {
  type TypedPayloadDescriptor,
  TypedPayloadDescriptorFlag,
} from './typed-payload-descriptor';
import { decodeTypedPayloadBody, type TypedPayloadShape } from './typed-payload-region';

/**
 * The standard token-delta binding every token chunk descriptor carries (§2.11): profile 2,
 * schema 0x0000_1001 version 3, stream semantics 2 (append).
 */
export const TOKEN_DELTA_BINDING = {
  profileId: ProfileId.Token,
  schemaId: TOKEN_DELTA_SCHEMA_ID,
  schemaVersion: TOKEN_DELTA_SCHEMA_VERSION,
  streamSemantics: TOKEN_DELTA_STREAM_SEMANTICS,
} as const;

/** One token chunk: its descriptor and a zero-copy view of its bytes (opaque; UTF-8 in practice). */
export class TokenChunk {
  constructor(
    readonly descriptor: TypedPayloadDescriptor,
    readonly bytes: Buffer,
  ) {}

  /** A consumable non-final chunk (flag 0x2). */
  get isPartial(): boolean {
    return (this.descriptor.descriptorFlags & TypedPayloadDescriptorFlag.Partial) !== 0;
  }

  /** The final chunk (flag 0x1). Rust accepts partial and terminal together. */
  get isTerminal(): boolean {
    return (this.descriptor.descriptorFlags & TypedPayloadDescriptorFlag.Terminal) !== 0;
  }

  /** The chunk decoded as UTF-8 (a copy; `bytes` is the view). */
  get text(): string {
    return this.bytes.toString('utf8');
  }
}

/**
 * The token chunks of a composed body (§2.11): the typed-payload frames (validated by the
 * §2.9 region rules) whose descriptor has the token profile, in table order. Throws
 * NnrpProtocolError for a malformed body.
 */
export function decodeTokenChunks(shape: TypedPayloadShape, body: Buffer): TokenChunk[] {
  return decodeTypedPayloadBody(shape, body)
    .filter((frame) => frame.descriptor.profileId === ProfileId.Token)
    .map((frame) => new TokenChunk(frame.descriptor, frame.payload));
}
