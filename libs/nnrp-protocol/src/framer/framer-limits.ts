/** Caps the framer checks on every header before buffering anything for that packet. */
export interface FramerLimits {
  /** Largest accepted `meta_len` (default 64 KiB). */
  maxMetaLen: number;
  /** Largest accepted `body_len` (default 32 MiB, the Python `max_body_bytes`). */
  maxBodyLen: number;
}

/** Defaults: 64 KiB metadata, 32 MiB body. */
export const DEFAULT_FRAMER_LIMITS: Readonly<FramerLimits> = Object.freeze({
  maxMetaLen: 64 * 1024,
  maxBodyLen: 32 * 1024 * 1024,
});
