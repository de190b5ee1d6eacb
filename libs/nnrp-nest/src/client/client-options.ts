import type {
  ClientHelloMetadata,
  ControlExtensionEntry,
  FrameSubmitMetadata,
  FramerLimits,
  SessionCloseMetadata,
  SessionMigrateMetadata,
  SessionOpenMetadata,
  SessionPatchMetadata,
  TransportProbeAckMetadata,
} from '@nest-nnrp/protocol';
import type { QuicClientOptions } from '../carriers/quic/quic-client';
import type { TcpConnectOptions } from '../carriers/tcp/tcp-connect';

/** Where the client logs. A Nest `Logger` fits. */
export interface NnrpClientLogger {
  debug?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/** Options of a client built over an existing carrier connection. */
export interface NnrpClientOptions {
  logger?: NnrpClientLogger;
  /** Caps on inbound `meta_len` / `body_len` (defaults: 64 KiB / 32 MiB). */
  framerLimits?: Partial<FramerLimits>;
  /**
   * QUIC only: send every FRAME_SUBMIT on its own uni stream (the Python stream model) unless a
   * submit says otherwise; results then come back on server uni streams.
   */
  uniSubmits?: boolean;
}

/**
 * Options of an outgoing QUIC connection: the server address plus the QUIC client options
 * (ALPN `nnrp/1` by default, `ca` / `serverName` / `insecure` for the certificate check).
 */
export type QuicClientConnectOptions = QuicClientOptions & {
  host: string;
  port: number;
};

/** How {@link NnrpClient.connect} reaches the server: exactly one of `tcp` or `quic`. */
export type NnrpCarrierTarget =
  | { tcp: TcpConnectOptions; quic?: undefined }
  | { quic: QuicClientConnectOptions; tcp?: undefined };

/** Options of {@link NnrpClient.connect}. */
export type NnrpClientConnectOptions = NnrpCarrierTarget & NnrpClientOptions;

/** CLIENT_HELLO fields a caller may set; the block lengths are computed from the body. */
export type HelloMetadataOverrides = Partial<
  Omit<ClientHelloMetadata, 'authBytes' | 'controlExtensionBytes'>
>;

/** Options of {@link NnrpClient.hello} (CLIENT_HELLO flow, control-plane.md §6.4). */
export interface HelloOptions extends HelloMetadataOverrides {
  /** The `auth_block` (e.g. an HMAC token ‖ payload). */
  authBlock?: Buffer;
  /** Entries of the `control_extension_block`. */
  extensions?: readonly ControlExtensionEntry[];
  /**
   * Put the auth block before the extensions (the preview1 documented order) instead of the
   * Python order `extensions ‖ auth`; for testing a server's body-order heuristic.
   */
  authFirst?: boolean;
}

/** Options of {@link NnrpClient.openSession} (SESSION_OPEN flow, control-plane.md §4.4). */
export interface OpenSessionOptions extends Partial<SessionOpenMetadata> {
  /** Sent in the body; `resumeTokenBytes` defaults to its length. */
  resumeToken?: Buffer;
  /** Sent in the body after the resume token; `authBytes` defaults to its length. */
  authBlock?: Buffer;
  /** Sent in the body last; `sessionExtensionBytes` defaults to its length. */
  sessionExtension?: Buffer;
}

/** Options of {@link ClientSession.submit}. */
export interface SubmitOptions {
  /** FRAME_SUBMIT fields over the all-zero default. */
  metadata?: Partial<FrameSubmitMetadata>;
  /** Shorthand for `metadata.payloadKindBitmap`. */
  payloadKindBitmap?: number;
  /** Frame id; default: the session's next id (1, 2, 3…). */
  frameId?: number;
  viewId?: number;
  routeId?: number;
  traceId?: bigint;
  /** Header flags. */
  flags?: number;
  /** Send on a new QUIC uni stream (Python model); the results then come on server uni streams. */
  uni?: boolean;
}

/** Options of {@link ClientSession.patch}: SESSION_PATCH fields plus an optional patch block. */
export interface PatchOptions extends Partial<SessionPatchMetadata> {
  /** Profile patch block (e.g. a tensor clamp block); `profilePatchBytes` defaults to its length. */
  profilePatch?: Buffer;
}

/**
 * Options of {@link ClientSession.migrate}. Defaults: from the current carrier's transport to
 * the other one, the session's last result frame, now.
 */
export type MigrateOptions = Partial<SessionMigrateMetadata>;

/**
 * Options of {@link ClientSession.close}. Defaults (as the Rust client): client_shutdown, drain,
 * no drain timeout, the last submitted frame id, no error, the session id as tag.
 */
export type CloseOptions = Partial<SessionCloseMetadata>;

/** Outcome of {@link NnrpClient.probe}. */
export interface TransportProbeResult {
  readonly ack: TransportProbeAckMetadata;
  /** Round-trip time in milliseconds. */
  readonly rttMs: number;
}
