import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  decodeSessionOpenAck,
  decodeTransportProbe,
  encodeTransportProbe,
  MIGRATE_ACCEPTED,
  PriorityClass,
  SessionErrorCode,
  SessionFlagAck,
  SessionMigrateAckMetadata,
  SessionMigrateMetadata,
  SessionOpenAckMetadata,
  sessionOpenAckOpensSession,
  SessionStatus,
  shouldReplayFrameAfterMigration,
  TransportId,
  validateMigrationRecovery,
  validateSessionOpenAckRules,
  validateTransportProbeBody,
} from '../../src/messages/control';
import { expectProtocolError, hex } from './control-test-helpers';

const { InvalidProtocolCombination, LengthMismatch } = NnrpErrorKind;

/** The opened ack of control-plane.md §4.5 (resume enabled via flags 0x05). */
const OPENED: SessionOpenAckMetadata = decodeSessionOpenAck(
  hex(`2A000000 0200 01 00 01100000 03000000 0200 0400 30750000 C0D40100 10000000 08000000
    21436587A9CBED0F 07000000 00000000 05000000`),
);
const RESUME_REQUEST = { resumeTokenBytes: 16 };
const FRESH_REQUEST = { resumeTokenBytes: 0 };

describe('validateSessionOpenAckRules (§4.5 rules 1–3)', () => {
  it('accepts the golden opened ack and a reference-shaped rejection', () => {
    expect(() => validateSessionOpenAckRules(OPENED, FRESH_REQUEST)).not.toThrow();
    const rejected: SessionOpenAckMetadata = {
      ...OPENED,
      sessionId: 0,
      sessionStatus: SessionStatus.Rejected,
      sessionErrorCode: SessionErrorCode.ResumeRejected,
      sessionFlagsAck: 0,
    };
    expect(() => validateSessionOpenAckRules(rejected, RESUME_REQUEST)).not.toThrow();
  });

  // prettier-ignore
  it.each<[string, Partial<SessionOpenAckMetadata>, { resumeTokenBytes: number }, string]>([
    ['resume_enabled without a window', { resumeWindowMs: 0 }, FRESH_REQUEST, 'resume_enabled ack requires non-zero resume window and token bytes'],
    ['resume_enabled without token bytes', { resumeTokenBytes: 0 }, FRESH_REQUEST, 'resume_enabled ack requires non-zero resume window and token bytes'],
    ['resumed without a resume attempt', { sessionStatus: SessionStatus.Resumed }, FRESH_REQUEST, 'resumed ack requires a resume token in the request'],
    ['resumed with an error code', { sessionStatus: SessionStatus.Resumed, sessionErrorCode: SessionErrorCode.LimitReached }, RESUME_REQUEST, 'resumed ack must not carry a session error'],
    ['resumed without resume_enabled', { sessionStatus: SessionStatus.Resumed, sessionFlagsAck: SessionFlagAck.CacheLeasesEnabled }, RESUME_REQUEST, 'resumed ack must keep resume_enabled set'],
    ['opened with session id 0', { sessionId: 0 }, FRESH_REQUEST, 'successful SESSION_OPEN_ACK requires a non-zero session_id'],
    ['retry_later with a session id', { sessionStatus: SessionStatus.RetryLater, sessionFlagsAck: 0 }, FRESH_REQUEST, 'rejected SESSION_OPEN_ACK must not install a session_id'],
  ])('refuses %s', (_label, change, request, rule) => {
    const ack = { ...OPENED, ...change };
    expectProtocolError(
      () => validateSessionOpenAckRules(ack, request),
      InvalidProtocolCombination,
      rule,
    );
  });

  it('the conformance vector session_open_ack.resume_rejected breaks rule 3 (docs ≠ code, §7)', () => {
    const vector = decodeSessionOpenAck(
      hex(`2a00000002000001011000000300000000000000983a000000000000180000000000000088776655
        44332211000000000600010000000000`),
    );
    expect(vector).toMatchObject({ sessionId: 42, sessionStatus: SessionStatus.Rejected });
    expect(vector.acceptedPriorityClass).toBe(PriorityClass.Interactive);
    expectProtocolError(
      () => validateSessionOpenAckRules(vector, RESUME_REQUEST),
      InvalidProtocolCombination,
      'rejected SESSION_OPEN_ACK must not install a session_id',
    );
  });

  it('only opened and resumed open a session (rule 4)', () => {
    expect(
      [
        SessionStatus.Opened,
        SessionStatus.Rejected,
        SessionStatus.RetryLater,
        SessionStatus.Resumed,
      ].map(sessionOpenAckOpensSession),
    ).toEqual([true, false, false, true]);
  });
});

describe('validateMigrationRecovery (§4.11)', () => {
  const request: SessionMigrateMetadata = {
    oldTransportId: TransportId.Tcp,
    newTransportId: TransportId.Quic,
    lastResultFrameId: 10n,
    clientMigrateTsUs: 100n,
  };
  const ack: SessionMigrateAckMetadata = {
    acceptCode: MIGRATE_ACCEPTED,
    resumeFromFrameId: 12n,
    graceWindowMs: 500,
    serverMigrateTsUs: 200n,
  };

  it('accepts a cursor at or after the last result, and replays frames from the cursor on', () => {
    expect(() => validateMigrationRecovery(request, ack)).not.toThrow();
    expect(() =>
      validateMigrationRecovery(request, { ...ack, resumeFromFrameId: 10n }),
    ).not.toThrow();
    expect(shouldReplayFrameAfterMigration(ack, 11n)).toBe(false);
    expect(shouldReplayFrameAfterMigration(ack, 12n)).toBe(true);
  });

  it('refuses a cursor behind the last result frame', () => {
    expectProtocolError(
      () => validateMigrationRecovery(request, { ...ack, resumeFromFrameId: 9n }),
      InvalidProtocolCombination,
      'migration resume cursor cannot move behind the last result frame',
    );
  });

  it('refuses a migration to the same transport', () => {
    expectProtocolError(
      () => validateMigrationRecovery({ ...request, newTransportId: TransportId.Tcp }, ack),
      InvalidProtocolCombination,
      'session migration must bind a different transport',
    );
  });
});

describe('validateTransportProbeBody (§4.16)', () => {
  const probe = decodeTransportProbe(
    encodeTransportProbe({ probeId: 17, probePayloadBytes: 4, clientSendTsUs: 1n }),
  );

  it('accepts a body of exactly probe_payload_bytes and refuses any other length', () => {
    expect(() => validateTransportProbeBody(probe, Buffer.from('PPPP'))).not.toThrow();
    expectProtocolError(
      () => validateTransportProbeBody(probe, Buffer.from('PPP')),
      LengthMismatch,
      'transport_probe.body',
    );
  });
});
