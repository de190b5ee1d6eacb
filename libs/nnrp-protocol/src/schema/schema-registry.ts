import { ProfileId } from '../messages/control/session-vocabulary';
import type { SchemaDescriptorHeader } from './schema-descriptor';
import { SchemaErrorCode } from './schema-error-code';
import { TOKEN_DELTA_SCHEMA_DESCRIPTOR } from './token-delta-schema';

/** What a successful registry change did (`SchemaRegistryAction`, data-plane.md §9.4). */
export enum SchemaRegistryOutcome {
  /** A new schema id (or only higher versions of it were present). */
  Installed = 'installed',
  /** A new version above an installed lower version of the same id. */
  Updated = 'updated',
  /** The same `(id, version)` with the same hash and profile was already present. */
  AlreadyInstalled = 'already_installed',
  /** `invalidate` removed the entry. */
  Invalidated = 'invalidated',
}

/** A registry answer: a typed value, never an exception. */
export type SchemaRegistryResult<O extends SchemaRegistryOutcome> =
  | { readonly ok: true; readonly outcome: O }
  | { readonly ok: false; readonly code: SchemaErrorCode };

/** Outcomes of {@link SchemaRegistry.install}. */
export type SchemaInstallOutcome =
  | SchemaRegistryOutcome.Installed
  | SchemaRegistryOutcome.Updated
  | SchemaRegistryOutcome.AlreadyInstalled;

/** A schema's identity. */
export interface SchemaKey {
  schemaId: number;
  schemaVersion: number;
}

/**
 * The schema binding of a typed payload descriptor (or of a session: SESSION_OPEN's profile and
 * schema fields). A `TypedPayloadDescriptor` is one.
 */
export interface SchemaBinding {
  profileId: number;
  schemaId: number;
  schemaVersion: number;
}

/**
 * In-memory schema/profile registry (`SchemaRegistry`, data-plane.md §9.4). Entries are keyed by
 * `(schema_id, schema_version)`; stored descriptors are copies, so callers cannot alter them.
 */
export class SchemaRegistry {
  /** schema_id → schema_version → descriptor. */
  private readonly entries = new Map<number, Map<number, Readonly<SchemaDescriptorHeader>>>();

  /**
   * The standard preview3 registry (`with_standard_preview3_profiles`, §9.2): exactly the
   * token-delta schema 0x1001 v3. There is no standard tensor schema.
   */
  static withStandardPreview3Profiles(): SchemaRegistry {
    const registry = new SchemaRegistry();
    registry.install(TOKEN_DELTA_SCHEMA_DESCRIPTOR);
    return registry;
  }

  /** Number of installed `(id, version)` entries. */
  get size(): number {
    let count = 0;
    for (const versions of this.entries.values()) count += versions.size;
    return count;
  }

  /**
   * Installs a descriptor: profile must be 0/1/2 (else UpdateRejected); every declared
   * dependency must be installed (else DependencyMissing — the code the reference defines but
   * never produces, since preview3 parses no schema bodies: the caller names the dependencies);
   * an existing key with the same hash and profile is AlreadyInstalled, otherwise HashConflict;
   * a new key is Updated when a lower version of the id exists, else Installed.
   */
  install(
    descriptor: Readonly<SchemaDescriptorHeader>,
    dependencies: readonly Readonly<SchemaKey>[] = [],
  ): SchemaRegistryResult<SchemaInstallOutcome> {
    if (!isAssignableProfile(descriptor.profileId)) {
      return failure(SchemaErrorCode.UpdateRejected);
    }
    if (dependencies.some((d) => !this.has(d.schemaId, d.schemaVersion))) {
      return failure(SchemaErrorCode.DependencyMissing);
    }
    const versions = this.entries.get(descriptor.schemaId);
    const existing = versions?.get(descriptor.schemaVersion);
    if (existing !== undefined) {
      return existing.schemaHash === descriptor.schemaHash &&
        existing.profileId === descriptor.profileId
        ? success(SchemaRegistryOutcome.AlreadyInstalled)
        : failure(SchemaErrorCode.HashConflict);
    }
    const hasLowerVersion =
      versions !== undefined &&
      [...versions.keys()].some((version) => version < descriptor.schemaVersion);
    const target = versions ?? new Map<number, Readonly<SchemaDescriptorHeader>>();
    target.set(descriptor.schemaVersion, Object.freeze({ ...descriptor }));
    this.entries.set(descriptor.schemaId, target);
    return success(
      hasLowerVersion ? SchemaRegistryOutcome.Updated : SchemaRegistryOutcome.Installed,
    );
  }

  /** Removes `(id, version)`: Invalidated, or VersionUnknown when absent. */
  invalidate(
    schemaId: number,
    schemaVersion: number,
  ): SchemaRegistryResult<SchemaRegistryOutcome.Invalidated> {
    const versions = this.entries.get(schemaId);
    if (versions === undefined || !versions.delete(schemaVersion)) {
      return failure(SchemaErrorCode.VersionUnknown);
    }
    if (versions.size === 0) this.entries.delete(schemaId);
    return success(SchemaRegistryOutcome.Invalidated);
  }

  /** The installed descriptor for `(id, version)`, if any. */
  get(schemaId: number, schemaVersion: number): Readonly<SchemaDescriptorHeader> | undefined {
    return this.entries.get(schemaId)?.get(schemaVersion);
  }

  /** Whether `(id, version)` is installed. */
  has(schemaId: number, schemaVersion: number): boolean {
    return this.get(schemaId, schemaVersion) !== undefined;
  }

  /** Every installed descriptor, by ascending `(id, version)` (the reference's BTreeMap order). */
  snapshot(): Readonly<SchemaDescriptorHeader>[] {
    return [...this.entries.values()]
      .flatMap((versions) => [...versions.values()])
      .sort((a, b) => a.schemaId - b.schemaId || a.schemaVersion - b.schemaVersion);
  }

  /**
   * Checks a binding (`validate_descriptor_binding`, §9.4), in the reference order: profile not
   * 0/1/2 → UpdateRejected; profile 0 binds only schema 0/0 (else Incompatible); schema id 0 →
   * Unknown; `(id, version)` missing → VersionUnknown if another version of the id exists, else
   * Unknown; registered profile ≠ binding profile → Incompatible.
   *
   * @returns the failure code, or `undefined` when the binding is valid (all codes are truthy).
   */
  validateDescriptorBinding(binding: Readonly<SchemaBinding>): SchemaErrorCode | undefined {
    if (!isAssignableProfile(binding.profileId)) return SchemaErrorCode.UpdateRejected;
    if (binding.profileId === ProfileId.Unspecified) {
      return binding.schemaId === 0 && binding.schemaVersion === 0
        ? undefined
        : SchemaErrorCode.Incompatible;
    }
    if (binding.schemaId === 0) return SchemaErrorCode.Unknown;
    const schema = this.get(binding.schemaId, binding.schemaVersion);
    if (schema === undefined) {
      return this.entries.has(binding.schemaId)
        ? SchemaErrorCode.VersionUnknown
        : SchemaErrorCode.Unknown;
    }
    return schema.profileId === binding.profileId ? undefined : SchemaErrorCode.Incompatible;
  }
}

/** `validate_profile_assignment`: only the three preview3 profiles exist (data-plane.md §9.3). */
function isAssignableProfile(profileId: number): boolean {
  return (
    profileId === ProfileId.Unspecified ||
    profileId === ProfileId.Tensor ||
    profileId === ProfileId.Token
  );
}

function success<O extends SchemaRegistryOutcome>(outcome: O): SchemaRegistryResult<O> {
  return { ok: true, outcome };
}

function failure(code: SchemaErrorCode): { readonly ok: false; readonly code: SchemaErrorCode } {
  return { ok: false, code };
}
