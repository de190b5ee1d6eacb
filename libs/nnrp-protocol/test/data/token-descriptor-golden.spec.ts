import {
  decodeTypedPayloadDescriptor,
  encodeTypedPayloadDescriptor,
  TypedPayloadDescriptor,
} from '../../src/body/typed-payload-descriptor';
import {
  SchemaRegistry,
  TOKEN_DELTA_SCHEMA_DESCRIPTOR,
  TOKEN_DELTA_SCHEMA_ID,
  TOKEN_DELTA_SCHEMA_VERSION,
  TOKEN_DELTA_STREAM_SEMANTICS,
} from '../../src/schema';
import { hex } from './protocol-test-helpers';

// data-plane.md §2.11: the golden token descriptor (offset 0, length 3, partial).
const GOLDEN = hex('020002000110000003000000020000000000000003000000');
const FIELDS: TypedPayloadDescriptor = {
  profileId: 2,
  descriptorFlags: 0x2,
  schemaId: TOKEN_DELTA_SCHEMA_ID,
  schemaVersion: TOKEN_DELTA_SCHEMA_VERSION,
  streamSemantics: TOKEN_DELTA_STREAM_SEMANTICS,
  offset: 0,
  length: 3,
};

describe('§2.11 token descriptor golden', () => {
  it('round-trips byte for byte', () => {
    expect(decodeTypedPayloadDescriptor(GOLDEN)).toEqual(FIELDS);
    expect(encodeTypedPayloadDescriptor(FIELDS).equals(GOLDEN)).toBe(true);
  });

  it('binds in the standard registry with the token-delta schema stream semantics', () => {
    const registry = SchemaRegistry.withStandardPreview3Profiles();
    expect(
      registry.validateDescriptorBinding(decodeTypedPayloadDescriptor(GOLDEN)),
    ).toBeUndefined();
    expect(FIELDS.streamSemantics).toBe(TOKEN_DELTA_SCHEMA_DESCRIPTOR.defaultStreamSemantics);
  });
});
