import { requireLength, requireRule } from '../../metadata/field-checks';
import { SessionMigrateMetadata } from './session-migrate';

/** Fixed metadata length of SESSION_MIGRATE_ACK (control-plane.md §4.11). */
export const SESSION_MIGRATE_ACK_METADATA_LEN = 24;

/** `accept_code` of an accepted migration; any other value rejects (values unassigned). */
export const MIGRATE_ACCEPTED = 0;

/** Byte offsets of SESSION_MIGRATE_ACK metadata fields (control-plane.md §4.11). */
export const SessionMigrateAckOffset = {
  acceptCode: 0,
  /** Unaligned u64. */
  resumeFromFrameId: 4,
  graceWindowMs: 12,
  serverMigrateTsUs: 16,
} as const;

/** SESSION_MIGRATE_ACK (0x1c) fixed metadata. Nothing is validated on parse. */
export interface SessionMigrateAckMetadata {
  /** {@link MIGRATE_ACCEPTED} or a rejection. */
  acceptCode: number;
  /** Frames with an id ≥ this are replayed; must be ≥ the request's `last_result_frame_id`. */
  resumeFromFrameId: bigint;
  /** How long the old path stays usable. */
  graceWindowMs: number;
  /** Server timestamp, µs. */
  serverMigrateTsUs: bigint;
}

/** Decodes SESSION_MIGRATE_ACK metadata (length ≥ 24). */
export function decodeSessionMigrateAck(src: Buffer): SessionMigrateAckMetadata {
  requireLength(src, SESSION_MIGRATE_ACK_METADATA_LEN, 'session_migrate_ack');
  return {
    acceptCode: src.readUInt32LE(SessionMigrateAckOffset.acceptCode),
    resumeFromFrameId: src.readBigUInt64LE(SessionMigrateAckOffset.resumeFromFrameId),
    graceWindowMs: src.readUInt32LE(SessionMigrateAckOffset.graceWindowMs),
    serverMigrateTsUs: src.readBigUInt64LE(SessionMigrateAckOffset.serverMigrateTsUs),
  };
}

/** Encodes SESSION_MIGRATE_ACK metadata (24 bytes). */
export function encodeSessionMigrateAck(m: SessionMigrateAckMetadata): Buffer {
  const out = Buffer.alloc(SESSION_MIGRATE_ACK_METADATA_LEN);
  out.writeUInt32LE(m.acceptCode, SessionMigrateAckOffset.acceptCode);
  out.writeBigUInt64LE(m.resumeFromFrameId, SessionMigrateAckOffset.resumeFromFrameId);
  out.writeUInt32LE(m.graceWindowMs, SessionMigrateAckOffset.graceWindowMs);
  out.writeBigUInt64LE(m.serverMigrateTsUs, SessionMigrateAckOffset.serverMigrateTsUs);
  return out;
}

/**
 * `validate_migration_recovery`, run by both sides (§4.11): the migration binds a different
 * transport, and the resume cursor does not move behind the client's last result.
 */
export function validateMigrationRecovery(
  request: SessionMigrateMetadata,
  ack: SessionMigrateAckMetadata,
): void {
  requireRule(
    request.oldTransportId !== request.newTransportId,
    'session migration must bind a different transport',
  );
  requireRule(
    ack.resumeFromFrameId >= request.lastResultFrameId,
    'migration resume cursor cannot move behind the last result frame',
  );
}

/** The replay rule: a frame is replayed after migration iff its id ≥ `resume_from_frame_id`. */
export function shouldReplayFrameAfterMigration(
  ack: SessionMigrateAckMetadata,
  frameId: bigint,
): boolean {
  return frameId >= ack.resumeFromFrameId;
}
