import { NnrpTransportOptions } from '@nest-nnrp/nest';

/** Body cap of the fuzzed server: small, so length fields "at the cap" stay cheap to send. */
export const FUZZ_MAX_BODY_BYTES = 64 * 1024;
/** Metadata cap of the fuzzed server. */
export const FUZZ_MAX_META_LEN = 4 * 1024;
/** The first packet must complete within this time. */
export const FUZZ_HANDSHAKE_TIMEOUT_MS = 1000;
/** A connection with nothing inbound for this long is closed. */
export const FUZZ_IDLE_TIMEOUT_MS = 1500;

/**
 * Options of the server under fuzz (child process and in-process short run alike): short
 * timeouts, so a connection the fuzzer leaves open must be closed by the server quickly (a
 * connection it does not close is a finding), and small caps, so limit values are cheap.
 */
export const FUZZ_SERVER_OPTIONS: NnrpTransportOptions = {
  logger: false,
  handshakeTimeoutMs: FUZZ_HANDSHAKE_TIMEOUT_MS,
  idleTimeoutMs: FUZZ_IDLE_TIMEOUT_MS,
  defaultDeadlineMs: 1000,
  closeGraceMs: 50,
  shutdownDrainMs: 200,
  profile: { maxBodyBytes: FUZZ_MAX_BODY_BYTES },
  // A hard limit under what the frames in flight of one session can return (4 × 64 KiB), so a
  // client that stops reading reaches it within one fuzzed connection.
  limits: { maxMetaLen: FUZZ_MAX_META_LEN, writeHardLimitBytes: 128 * 1024 },
};
