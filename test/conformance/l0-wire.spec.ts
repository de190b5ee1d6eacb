import {
  CACHE_ERROR_CODE_NAMES,
  CacheErrorCode,
  decodeFlowUpdate,
  decodePacket,
  decodeSessionOpen,
  decodeSessionOpenAck,
  encodeFlowUpdate,
  encodePacket,
  encodeSessionOpen,
  encodeSessionOpenAck,
  FlowUpdateMetadata,
  MessageType,
  NnrpErrorKind,
  SCHEMA_ERROR_CODE_NAMES,
  SchemaDescriptorHeader,
  SchemaErrorCode,
  SessionErrorCode,
  SessionOpenAckMetadata,
  SessionOpenMetadata,
  SessionStatus,
  TOKEN_DELTA_SCHEMA_DESCRIPTOR,
  TypedPayloadDescriptor,
  validateFlowUpdateRouting,
  validateSessionOpenAckRules,
} from '@nest-nnrp/protocol';
import { DEFAULT_SESSION_OPEN } from '@nest-nnrp/nest';
import {
  decodeVector,
  expectVectorHolds,
  protocolErrorOf,
  vectorBytes,
  VECTORS_BY_CASE,
} from './conformance-vectors';

// L0 cases (cases/l0-wire-vectors.json, cases/l0-wire-errors.json): the codec against the
// reference vectors, plus the rule each case names checked over its whole domain (every bit of
// a mask, every byte of a reserved field), so a codec that only knows the vector fails.

function holdsAll(caseId: string): void {
  const names = VECTORS_BY_CASE[caseId];
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expectVectorHolds(name);
}

/** Bits 0..31 outside `mask`. */
function bitsOutside(mask: number): number[] {
  return Array.from({ length: 32 }, (_, bit) => 2 ** bit).filter((value) => (value & mask) === 0);
}

function kindOf(fn: () => unknown): NnrpErrorKind | undefined {
  return protocolErrorOf(fn)?.kind;
}

const FLOW_UPDATE: FlowUpdateMetadata = decodeFlowUpdate(
  vectorBytes('preview3.packet.flow_update.session_hard').subarray(40),
);

describe('L0 wire vectors (cases/l0-wire-vectors.json)', () => {
  it('l0.session_open.metadata.golden: round-trips the default-context SESSION_OPEN (schema defaults, lease hint, block lengths)', () => {
    holdsAll('l0.session_open.metadata.golden');
    const open = decodeVector(
      'preview3.metadata.session_open.default_context',
    ) as SessionOpenMetadata;
    expect(open).toEqual({
      requestedSessionId: 42,
      profileId: 2,
      priorityClass: 1,
      sessionFlags: 0x05,
      schemaId: 0x1001,
      schemaVersion: 3,
      defaultDeadlineMs: 500,
      maxInFlightOperations: 4,
      leaseTtlHintMs: 30000,
      resumeTokenBytes: 16,
      authBytes: 32,
      sessionExtensionBytes: 8,
      clientSessionTag: 0x0123456789abcdefn,
    });
    // Trailing metadata bytes beyond 48 are ignored (the reference parses `meta >= 48`).
    const longer = Buffer.concat([encodeSessionOpen(open), Buffer.alloc(8, 0xee)]);
    expect(decodeSessionOpen(longer)).toEqual(open);
  });

  it('l0.session_open_ack.metadata.golden: round-trips the opened SESSION_OPEN_ACK with granted credits, route scope and flag acks', () => {
    holdsAll('l0.session_open_ack.metadata.golden');
    const ack = decodeVector('preview3.metadata.session_open_ack.opened') as SessionOpenAckMetadata;
    expect(ack).toMatchObject({
      sessionStatus: SessionStatus.Opened,
      grantedOperationCredit: 2,
      maxInFlightOperations: 4,
      routeScopeId: 7,
      sessionFlagsAck: 0x05,
      serverSessionTag: 0x0fedcba987654321n,
    });
  });

  it('l0.session_close.metadata.golden: round-trips SESSION_CLOSE with the drain policy and the last_operation_id waterline', () => {
    holdsAll('l0.session_close.metadata.golden');
    expect(decodeVector('preview3.metadata.session_close.drain')).toEqual({
      closeReason: 1,
      inFlightPolicy: 0,
      drainTimeoutMs: 1000,
      lastOperationId: 99n,
      sessionErrorCode: 0,
      sessionCloseTag: 0x11223344,
    });
  });

  it('l0.session_close_ack.metadata.golden: round-trips SESSION_CLOSE_ACK draining and closed', () => {
    holdsAll('l0.session_close_ack.metadata.golden');
    expect(decodeVector('preview3.metadata.session_close_ack.draining')).toEqual({
      closeStatus: 1,
      lastOperationId: 99n,
      sessionErrorCode: 0,
    });
  });

  it('l0.flow_update.packet.golden: round-trips the session-scope FLOW_UPDATE packet and its routing', () => {
    holdsAll('l0.flow_update.packet.golden');
    expect(FLOW_UPDATE).toMatchObject({
      scopeKind: 1,
      sessionCredit: 2,
      retryAfterMs: 120,
      creditEpoch: 7,
    });
    expect(() => validateFlowUpdateRouting(42, FLOW_UPDATE, true)).not.toThrow();
    // Session scope needs a session; it must not carry the other scopes' credit.
    expect(kindOf(() => validateFlowUpdateRouting(0, FLOW_UPDATE))).toBe(
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expect(
      kindOf(() => validateFlowUpdateRouting(42, { ...FLOW_UPDATE, connectionCredit: 1 })),
    ).toBe(NnrpErrorKind.InvalidProtocolCombination);
  });

  it('l0.flow_update.connection.packet.golden: round-trips the connection-scope FLOW_UPDATE and keeps it connection_credit-only', () => {
    holdsAll('l0.flow_update.connection.packet.golden');
    const packet = decodeVector('preview3.packet.flow_update.connection_grant') as {
      header: { sessionId: number };
      metadata: FlowUpdateMetadata;
    };
    expect(packet.header.sessionId).toBe(0);
    expect(packet.metadata).toMatchObject({
      scopeKind: 0,
      connectionCredit: 6,
      sessionCredit: 0,
      operationCredit: 0,
      operationId: 0n,
    });
    for (const leak of [{ sessionCredit: 1 }, { operationCredit: 1 }, { operationId: 1n }]) {
      expect(kindOf(() => validateFlowUpdateRouting(0, { ...packet.metadata, ...leak }))).toBe(
        NnrpErrorKind.InvalidProtocolCombination,
      );
    }
    expect(kindOf(() => validateFlowUpdateRouting(9, packet.metadata))).toBe(
      NnrpErrorKind.InvalidProtocolCombination,
    );
  });

  it('l0.flow_update.operation.packet.golden: round-trips the operation-scope FLOW_UPDATE (unaligned operation_id, retry-after, drain_in_flight_only)', () => {
    holdsAll('l0.flow_update.operation.packet.golden');
    const packet = decodeVector('preview3.packet.flow_update.operation_pause') as {
      metadata: FlowUpdateMetadata;
    };
    expect(packet.metadata).toMatchObject({
      scopeKind: 2,
      operationCredit: 1,
      operationId: 4660n,
      retryAfterMs: 250,
      flowFlags: 0x0b,
    });
    // operation_id is the unaligned u64 at metadata offset 12 (packet offset 52).
    expect(vectorBytes('preview3.packet.flow_update.operation_pause').readBigUInt64LE(52)).toBe(
      4660n,
    );
    expect(
      kindOf(() => validateFlowUpdateRouting(42, { ...packet.metadata, operationId: 0n })),
    ).toBe(NnrpErrorKind.InvalidProtocolCombination);
    expect(
      kindOf(() => validateFlowUpdateRouting(42, { ...packet.metadata, flowFlags: 0x09 })),
    ).toBe(NnrpErrorKind.InvalidProtocolCombination);
  });

  it('l0.session_resume.metadata.golden: round-trips the resume-request SESSION_OPEN (allow_resume, resume token length)', () => {
    holdsAll('l0.session_resume.metadata.golden');
    for (const name of VECTORS_BY_CASE['l0.session_resume.metadata.golden']) {
      const open = decodeVector(name) as SessionOpenMetadata;
      expect(open.sessionFlags & 0x01).toBe(0x01);
      expect(open.resumeTokenBytes).toBeGreaterThan(0);
      expect(open.requestedSessionId).toBe(42);
    }
  });

  it('l0.session_resume_ack.resumed.golden: round-trips the resumed SESSION_OPEN_ACK and it passes the resume acceptance rules', () => {
    holdsAll('l0.session_resume_ack.resumed.golden');
    for (const name of VECTORS_BY_CASE['l0.session_resume_ack.resumed.golden']) {
      const ack = decodeVector(name) as SessionOpenAckMetadata;
      expect(ack.sessionStatus).toBe(SessionStatus.Resumed);
      expect(() => validateSessionOpenAckRules(ack, { resumeTokenBytes: 16 })).not.toThrow();
      // `resumed` without a resume attempt in the request is refused.
      expect(kindOf(() => validateSessionOpenAckRules(ack, { resumeTokenBytes: 0 }))).toBe(
        NnrpErrorKind.InvalidProtocolCombination,
      );
    }
  });

  it('l0.session_resume_ack.rejected.golden: round-trips the resume-rejected SESSION_OPEN_ACK with the stable resume_rejected code', () => {
    holdsAll('l0.session_resume_ack.rejected.golden');
    const ack = decodeVector(
      'preview3.metadata.session_open_ack.resume_rejected',
    ) as SessionOpenAckMetadata;
    expect(ack.sessionStatus).toBe(SessionStatus.Rejected);
    expect(ack.sessionErrorCode).toBe(SessionErrorCode.ResumeRejected);
    expect(vectorBytes('preview3.metadata.session_open_ack.resume_rejected').readUInt32LE(48)).toBe(
      0x00010006,
    );
    // The fixture keeps session_id 42 on a rejection; the lifecycle rule forbids installing an
    // id on a rejected ack, so the codec carries it but the acceptance rules refuse it
    // (control-plane.md §7; our server sends 0, see the L1 resume cases).
    expect(kindOf(() => validateSessionOpenAckRules(ack, { resumeTokenBytes: 24 }))).toBe(
      NnrpErrorKind.InvalidProtocolCombination,
    );
    expect(() =>
      validateSessionOpenAckRules({ ...ack, sessionId: 0 }, { resumeTokenBytes: 24 }),
    ).not.toThrow();
  });

  it('l0.schema.descriptor.header.golden: round-trips the 32-byte schema descriptor header (flags, default stream semantics, hash)', () => {
    holdsAll('l0.schema.descriptor.header.golden');
    expect(
      decodeVector('preview3.metadata.schema_descriptor.token_v1') as SchemaDescriptorHeader,
    ).toMatchObject({ schemaFlags: 0x0f, dependencyCount: 2, defaultStreamSemantics: 2 });
    expect(decodeVector('l0.preview3.schema.token_delta.golden')).toEqual(
      TOKEN_DELTA_SCHEMA_DESCRIPTOR,
    );
  });

  it('l0.cache.error_code.family.golden: keeps the frozen cache_error_code wire values in the 0x0003 family', () => {
    holdsAll('l0.cache.error_code.family.golden');
    const expected: Record<string, number> = {
      cache_miss: 0x00030001,
      lease_expired: 0x00030002,
      version_mismatch: 0x00030003,
      dependency_invalid: 0x00030004,
      schema_mismatch: 0x00030005,
    };
    expect(CACHE_ERROR_CODE_NAMES).toEqual(expected);
    for (const name of VECTORS_BY_CASE['l0.cache.error_code.family.golden']) {
      const spec = name.split('.').pop()!;
      expect(vectorBytes(name).readUInt32LE(0)).toBe(expected[spec]);
    }
    expect(CacheErrorCode.None).toBe(0x00030000);
  });

  it('l0.schema.error_code.family.golden: keeps the frozen schema_error_code wire values in the 0x0004 family', () => {
    holdsAll('l0.schema.error_code.family.golden');
    const expected: Record<string, number> = {
      schema_unknown: 0x00040001,
      schema_version_unknown: 0x00040002,
      schema_hash_conflict: 0x00040003,
      schema_incompatible: 0x00040004,
      schema_dependency_missing: 0x00040005,
      schema_update_rejected: 0x00040006,
    };
    expect(SCHEMA_ERROR_CODE_NAMES).toEqual(expected);
    for (const name of VECTORS_BY_CASE['l0.schema.error_code.family.golden']) {
      expect(vectorBytes(name).readUInt32LE(0)).toBe(expected[name.split('.').pop()!]);
    }
    expect(SchemaErrorCode.None).toBe(0x00040000);
  });

  it('l0.typed_payload.descriptor.golden: round-trips the 24-byte typed payload descriptor (partial flag, schema binding)', () => {
    holdsAll('l0.typed_payload.descriptor.golden');
    expect(
      decodeVector(
        'preview3.metadata.typed_payload_descriptor.token_partial',
      ) as TypedPayloadDescriptor,
    ).toEqual({
      profileId: 2,
      descriptorFlags: 0x2,
      schemaId: 0x1001,
      schemaVersion: 3,
      streamSemantics: 2,
      offset: 0,
      length: 24,
    });
  });
});

describe('L0 wire errors (cases/l0-wire-errors.json)', () => {
  it('l0.header.length_mismatch.reject: refuses every packet whose meta_len + body_len disagree with the bytes present', () => {
    holdsAll('l0.header.length_mismatch.reject');
    const packet = encodePacket(
      { messageType: MessageType.SessionOpen },
      encodeSessionOpen(DEFAULT_SESSION_OPEN),
      Buffer.from('body'),
    );
    for (let length = 40; length < packet.length; length++) {
      expect(kindOf(() => decodePacket(packet.subarray(0, length)))).toBe(
        NnrpErrorKind.LengthMismatch,
      );
    }
    expect(kindOf(() => decodePacket(Buffer.concat([packet, Buffer.alloc(1)])))).toBe(
      NnrpErrorKind.LengthMismatch,
    );
    expect(() => decodePacket(packet)).not.toThrow();
  });

  it('l0.session_open.reserved_fields.reject: refuses SESSION_OPEN with any reserved bit set or a flag outside the frozen mask', () => {
    holdsAll('l0.session_open.reserved_fields.reject');
    const valid = encodeSessionOpen(DEFAULT_SESSION_OPEN);
    for (let bit = 0; bit < 16; bit++) {
      const bad = Buffer.from(valid);
      bad.writeUInt16LE(1 << bit, 22);
      expect(protocolErrorOf(() => decodeSessionOpen(bad))).toMatchObject({
        kind: NnrpErrorKind.NonZeroReservedField,
        field: 'session_open.reserved0',
      });
    }
    for (const flag of bitsOutside(0x0f).filter((value) => value <= 0x80)) {
      const bad = Buffer.from(valid);
      bad[7] = flag;
      expect(kindOf(() => decodeSessionOpen(bad))).toBe(NnrpErrorKind.ReservedBitsSet);
      expect(kindOf(() => encodeSessionOpen({ ...DEFAULT_SESSION_OPEN, sessionFlags: flag }))).toBe(
        NnrpErrorKind.ReservedBitsSet,
      );
    }
    for (const flag of [0x1, 0x2, 0x4, 0x8, 0xf]) {
      expect(
        decodeSessionOpen(encodeSessionOpen({ ...DEFAULT_SESSION_OPEN, sessionFlags: flag }))
          .sessionFlags,
      ).toBe(flag);
    }
  });

  it('l0.session_open_ack.reserved_fields.reject: refuses SESSION_OPEN_ACK flag acks outside the frozen 0x1f mask', () => {
    holdsAll('l0.session_open_ack.reserved_fields.reject');
    const opened = decodeVector(
      'preview3.metadata.session_open_ack.opened',
    ) as SessionOpenAckMetadata;
    for (const flag of bitsOutside(0x1f)) {
      const bad = encodeSessionOpenAck(opened);
      bad.writeUInt32LE(flag >>> 0, 52);
      expect(kindOf(() => decodeSessionOpenAck(bad))).toBe(NnrpErrorKind.ReservedBitsSet);
      expect(kindOf(() => encodeSessionOpenAck({ ...opened, sessionFlagsAck: flag }))).toBe(
        NnrpErrorKind.ReservedBitsSet,
      );
    }
    for (let flag = 0; flag <= 0x1f; flag++) {
      expect(
        decodeSessionOpenAck(encodeSessionOpenAck({ ...opened, sessionFlagsAck: flag }))
          .sessionFlagsAck,
      ).toBe(flag);
    }
  });

  it('l0.flow_update.reserved_flags.reject: refuses FLOW_UPDATE with any of flow_flags bits 4-31 set, on decode and encode', () => {
    holdsAll('l0.flow_update.reserved_flags.reject');
    const valid = encodeFlowUpdate(FLOW_UPDATE);
    for (const flag of bitsOutside(0x0f)) {
      const bad = Buffer.from(valid);
      bad.writeUInt32LE(flag >>> 0, 28);
      expect(protocolErrorOf(() => decodeFlowUpdate(bad))).toMatchObject({
        kind: NnrpErrorKind.ReservedBitsSet,
        field: 'flow_update.flow_flags',
      });
      expect(kindOf(() => encodeFlowUpdate({ ...FLOW_UPDATE, flowFlags: flag }))).toBe(
        NnrpErrorKind.ReservedBitsSet,
      );
    }
    for (let flag = 0; flag <= 0x0f; flag++) {
      expect(
        decodeFlowUpdate(encodeFlowUpdate({ ...FLOW_UPDATE, flowFlags: flag })).flowFlags,
      ).toBe(flag);
    }
  });
});
