import { requireEnum, requireLength, requireRule } from '../../metadata/field-checks';
import { CORE_TRANSPORT_ID_MAX, TRANSPORT_ID_ENUM, TransportId } from './transport-id';

/** Fixed metadata length of SESSION_MIGRATE (control-plane.md §4.10). */
export const SESSION_MIGRATE_METADATA_LEN = 24;

/** Byte offsets of SESSION_MIGRATE metadata fields (control-plane.md §4.10). */
export const SessionMigrateOffset = {
  oldTransportId: 0,
  newTransportId: 4,
  lastResultFrameId: 8,
  clientMigrateTsUs: 16,
} as const;

/** SESSION_MIGRATE (0x1b) fixed metadata. There is no migrate-reason field. */
export interface SessionMigrateMetadata {
  /** quic or tcp only. */
  oldTransportId: TransportId;
  /** quic or tcp only. */
  newTransportId: TransportId;
  /** The last frame whose result the client received. */
  lastResultFrameId: bigint;
  /** Client timestamp, µs. */
  clientMigrateTsUs: bigint;
}

// Reference order: both ids through the core enum (3+ unknown), then both must be specified.
function checkSessionMigrate(m: SessionMigrateMetadata): void {
  requireEnum(m.oldTransportId, TransportId.Unspecified, CORE_TRANSPORT_ID_MAX, TRANSPORT_ID_ENUM);
  requireEnum(m.newTransportId, TransportId.Unspecified, CORE_TRANSPORT_ID_MAX, TRANSPORT_ID_ENUM);
  requireRule(m.oldTransportId !== TransportId.Unspecified, 'session_migrate.old_transport_id');
  requireRule(m.newTransportId !== TransportId.Unspecified, 'session_migrate.new_transport_id');
}

/**
 * Decodes SESSION_MIGRATE metadata: length ≥ 24; a transport id above tcp is
 * `UnknownEnumValue` (`transport_id`), an unspecified one `InvalidProtocolCombination`.
 */
export function decodeSessionMigrate(src: Buffer): SessionMigrateMetadata {
  requireLength(src, SESSION_MIGRATE_METADATA_LEN, 'session_migrate');
  const m: SessionMigrateMetadata = {
    oldTransportId: src.readUInt32LE(SessionMigrateOffset.oldTransportId),
    newTransportId: src.readUInt32LE(SessionMigrateOffset.newTransportId),
    lastResultFrameId: src.readBigUInt64LE(SessionMigrateOffset.lastResultFrameId),
    clientMigrateTsUs: src.readBigUInt64LE(SessionMigrateOffset.clientMigrateTsUs),
  };
  checkSessionMigrate(m);
  return m;
}

/** Encodes SESSION_MIGRATE metadata (24 bytes), refusing ids the decoder refuses. */
export function encodeSessionMigrate(m: SessionMigrateMetadata): Buffer {
  checkSessionMigrate(m);
  const out = Buffer.alloc(SESSION_MIGRATE_METADATA_LEN);
  out.writeUInt32LE(m.oldTransportId, SessionMigrateOffset.oldTransportId);
  out.writeUInt32LE(m.newTransportId, SessionMigrateOffset.newTransportId);
  out.writeBigUInt64LE(m.lastResultFrameId, SessionMigrateOffset.lastResultFrameId);
  out.writeBigUInt64LE(m.clientMigrateTsUs, SessionMigrateOffset.clientMigrateTsUs);
  return out;
}
