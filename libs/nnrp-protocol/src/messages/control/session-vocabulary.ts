// Session vocabulary shared by SESSION_OPEN and SESSION_OPEN_ACK (control-plane.md §5.1–5.4).

/** `profile_id` (u16): only 0, 1 and 2 are assignable (control-plane.md §5.1). */
export enum ProfileId {
  Unspecified = 0,
  Tensor = 1,
  Token = 2,
}

/** `priority_class` (u8). */
export enum PriorityClass {
  Interactive = 0,
  Balanced = 1,
  Background = 2,
}

/** `session_status` (u8) of SESSION_OPEN_ACK. */
export enum SessionStatus {
  Opened = 0,
  Rejected = 1,
  RetryLater = 2,
  Resumed = 3,
}

/** `session_flags` (u8) of SESSION_OPEN. */
export enum SessionFlag {
  AllowResume = 0x01,
  AllowBackgroundResults = 0x02,
  AllowCacheLeases = 0x04,
  AllowSchemaOverride = 0x08,
}
/** Every defined `session_flags` bit. */
export const SESSION_FLAGS_MASK = 0x0f;

/** `session_flags_ack` (u32) of SESSION_OPEN_ACK. */
export enum SessionFlagAck {
  ResumeEnabled = 0x01,
  BackgroundResultsEnabled = 0x02,
  CacheLeasesEnabled = 0x04,
  SchemaOverrideEnabled = 0x08,
  PriorityDowngraded = 0x10,
}
/** Every defined `session_flags_ack` bit. */
export const SESSION_FLAGS_ACK_MASK = 0x1f;

/** Session error codes (u32, `SESSION_ERROR_*`, control-plane.md §5.4). */
export enum SessionErrorCode {
  None = 0x00000000,
  AuthFailed = 0x00010001,
  ProfileUnsupported = 0x00010002,
  SchemaUnsupported = 0x00010003,
  PriorityRejected = 0x00010004,
  LeasePolicyRejected = 0x00010005,
  ResumeRejected = 0x00010006,
  LimitReached = 0x00010007,
}
