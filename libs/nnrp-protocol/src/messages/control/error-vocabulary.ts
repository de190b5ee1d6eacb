// Vocabulary of the ERROR message (control-plane.md §4.13, §5.7).

/** `error_scope` (u32). */
export enum ErrorScope {
  Connection = 0,
  Session = 1,
  Frame = 2,
}

/**
 * `error_code` values of the preview1 family (§5.7; no Rust constants exist). The field also
 * carries session, cache and schema family codes, so any u32 decodes.
 */
export enum ErrorCode {
  UnsupportedVersion = 0x0001,
  AuthFailed = 0x0002,
  InvalidState = 0x0003,
  MalformedHeader = 0x0004,
  MalformedBody = 0x0005,
  UnsupportedCapability = 0x0006,
  LimitExceeded = 0x0007,
  FrameExpired = 0x0008,
  FrameCancelled = 0x0009,
  CacheMiss = 0x000a,
  ServerBusy = 0x000b,
  InternalError = 0x000c,
}
