import { ProfileId } from '../../src/messages/control/session-vocabulary';
import {
  SchemaDescriptorHeader,
  SchemaErrorCode,
  SchemaRegistry,
  SchemaRegistryOutcome,
  TOKEN_DELTA_SCHEMA_DESCRIPTOR,
  TOKEN_DELTA_SCHEMA_ID,
  TOKEN_DELTA_SCHEMA_VERSION,
} from '../../src/schema';

const schema = (
  schemaId: number,
  schemaVersion: number,
  profileId: number,
  schemaHash: bigint,
): SchemaDescriptorHeader => ({
  ...TOKEN_DELTA_SCHEMA_DESCRIPTOR,
  schemaId,
  schemaVersion,
  profileId,
  schemaHash,
});

const ok = <O>(outcome: O) => ({ ok: true, outcome });
const fail = (code: SchemaErrorCode) => ({ ok: false, code });

describe('SchemaRegistry (data-plane.md §9.4)', () => {
  describe('withStandardPreview3Profiles (§9.2)', () => {
    const registry = SchemaRegistry.withStandardPreview3Profiles();

    it('holds exactly the token-delta schema 0x1001 v3', () => {
      expect(registry.size).toBe(1);
      expect(registry.has(TOKEN_DELTA_SCHEMA_ID, TOKEN_DELTA_SCHEMA_VERSION)).toBe(true);
      expect(registry.get(0x1001, 3)).toEqual(TOKEN_DELTA_SCHEMA_DESCRIPTOR);
      expect(registry.snapshot()).toEqual([TOKEN_DELTA_SCHEMA_DESCRIPTOR]);
    });

    it('binds token descriptors and nothing tensor', () => {
      const token = { profileId: ProfileId.Token, schemaId: 0x1001, schemaVersion: 3 };
      expect(registry.validateDescriptorBinding(token)).toBeUndefined();
      expect(registry.validateDescriptorBinding({ ...token, profileId: ProfileId.Tensor })).toBe(
        SchemaErrorCode.Incompatible,
      );
      expect(
        registry.validateDescriptorBinding({
          profileId: ProfileId.Token,
          schemaId: 0,
          schemaVersion: 0,
        }),
      ).toBe(SchemaErrorCode.Unknown);
    });
  });

  describe('install', () => {
    it('installs, re-installs, updates and conflicts as the reference', () => {
      const registry = new SchemaRegistry();
      const v1 = schema(0x20, 1, ProfileId.Tensor, 0x11n);
      expect(registry.install(v1)).toEqual(ok(SchemaRegistryOutcome.Installed));
      expect(registry.install({ ...v1, bodyBytes: 99 })).toEqual(
        ok(SchemaRegistryOutcome.AlreadyInstalled),
      );
      expect(registry.install({ ...v1, schemaHash: 0x12n })).toEqual(
        fail(SchemaErrorCode.HashConflict),
      );
      expect(registry.install({ ...v1, profileId: ProfileId.Token })).toEqual(
        fail(SchemaErrorCode.HashConflict),
      );
      expect(registry.install(schema(0x20, 3, ProfileId.Tensor, 0x33n))).toEqual(
        ok(SchemaRegistryOutcome.Updated),
      );
      expect(registry.install(schema(0x21, 3, ProfileId.Tensor, 0x33n))).toEqual(
        ok(SchemaRegistryOutcome.Installed),
      );
      expect(registry.size).toBe(3);
    });

    it('counts only lower versions as an update', () => {
      const registry = new SchemaRegistry();
      registry.install(schema(0x30, 5, ProfileId.Token, 1n));
      expect(registry.install(schema(0x30, 4, ProfileId.Token, 1n))).toEqual(
        ok(SchemaRegistryOutcome.Installed),
      );
      expect(registry.install(schema(0x30, 6, ProfileId.Token, 1n))).toEqual(
        ok(SchemaRegistryOutcome.Updated),
      );
    });

    it('rejects a profile other than 0/1/2 before looking at the key', () => {
      const registry = SchemaRegistry.withStandardPreview3Profiles();
      expect(registry.install({ ...TOKEN_DELTA_SCHEMA_DESCRIPTOR, profileId: 3 })).toEqual(
        fail(SchemaErrorCode.UpdateRejected),
      );
      expect(registry.install(schema(0x40, 1, 0xffff, 1n))).toEqual(
        fail(SchemaErrorCode.UpdateRejected),
      );
      expect(registry.install(schema(0x40, 1, ProfileId.Unspecified, 1n))).toEqual(
        ok(SchemaRegistryOutcome.Installed),
      );
    });

    it('stores a frozen copy, so callers cannot change an installed schema', () => {
      const registry = new SchemaRegistry();
      const descriptor = schema(0x50, 1, ProfileId.Token, 5n);
      registry.install(descriptor);
      descriptor.profileId = ProfileId.Tensor;
      expect(registry.get(0x50, 1)?.profileId).toBe(ProfileId.Token);
      expect(Object.isFrozen(registry.get(0x50, 1))).toBe(true);
    });
  });

  describe('invalidate', () => {
    it('removes a version, then reports VersionUnknown', () => {
      const registry = SchemaRegistry.withStandardPreview3Profiles();
      registry.install(schema(0x1001, 4, ProfileId.Token, 4n));
      expect(registry.invalidate(0x1001, 4)).toEqual(ok(SchemaRegistryOutcome.Invalidated));
      expect(registry.invalidate(0x1001, 4)).toEqual(fail(SchemaErrorCode.VersionUnknown));
      expect(registry.invalidate(0x9999, 1)).toEqual(fail(SchemaErrorCode.VersionUnknown));
      expect(registry.has(0x1001, 4)).toBe(false);
      expect(registry.has(0x1001, 3)).toBe(true);
    });

    it('forgets the id once its last version is gone (Unknown, not VersionUnknown)', () => {
      const registry = SchemaRegistry.withStandardPreview3Profiles();
      const binding = { profileId: ProfileId.Token, schemaId: 0x1001, schemaVersion: 9 };
      expect(registry.validateDescriptorBinding(binding)).toBe(SchemaErrorCode.VersionUnknown);
      registry.invalidate(0x1001, 3);
      expect(registry.size).toBe(0);
      expect(registry.validateDescriptorBinding(binding)).toBe(SchemaErrorCode.Unknown);
    });
  });

  describe('validateDescriptorBinding, in the reference order', () => {
    const registry = SchemaRegistry.withStandardPreview3Profiles();
    it.each<[string, number, number, number, SchemaErrorCode | undefined]>([
      [
        'profile 3 is rejected first, even with schema 0/0',
        3,
        0,
        0,
        SchemaErrorCode.UpdateRejected,
      ],
      ['profile 3 with a known schema', 3, 0x1001, 3, SchemaErrorCode.UpdateRejected],
      ['profile 0 binds schema 0/0', ProfileId.Unspecified, 0, 0, undefined],
      [
        'profile 0 with a schema id',
        ProfileId.Unspecified,
        0x1001,
        3,
        SchemaErrorCode.Incompatible,
      ],
      ['profile 0 with only a version', ProfileId.Unspecified, 0, 3, SchemaErrorCode.Incompatible],
      ['schema id 0 with a profile', ProfileId.Token, 0, 3, SchemaErrorCode.Unknown],
      ['unknown version of a known id', ProfileId.Token, 0x1001, 2, SchemaErrorCode.VersionUnknown],
      ['unknown id', ProfileId.Token, 0x1002, 3, SchemaErrorCode.Unknown],
      ['profile mismatch', ProfileId.Tensor, 0x1001, 3, SchemaErrorCode.Incompatible],
      ['exact match', ProfileId.Token, 0x1001, 3, undefined],
    ])('%s', (_name, profileId, schemaId, schemaVersion, expected) => {
      expect(registry.validateDescriptorBinding({ profileId, schemaId, schemaVersion })).toBe(
        expected,
      );
    });
  });

  it('lists entries by ascending (id, version)', () => {
    const registry = new SchemaRegistry();
    for (const [id, version] of [
      [9, 2],
      [3, 7],
      [9, 1],
      [3, 1],
    ]) {
      registry.install(schema(id, version, ProfileId.Token, 1n));
    }
    expect(registry.snapshot().map((d) => [d.schemaId, d.schemaVersion])).toEqual([
      [3, 1],
      [3, 7],
      [9, 1],
      [9, 2],
    ]);
  });
});
