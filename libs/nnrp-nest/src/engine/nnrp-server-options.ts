import { LoggerService } from '@nestjs/common';
import type { QuicCarrierOptions } from '../carriers/quic/quic-carrier';
import { TcpListenerOptions } from '../carriers/tcp/tcp-carrier';
import { NnrpAuthPolicy } from './nnrp-auth-policy';

/** What the server advertises and enforces per session (the seed's `ServerProfile`). */
export interface NnrpServerProfile {
  /** Frames in flight per session; also SESSION_OPEN_ACK `max_in_flight_operations` and SERVER_HELLO_ACK `max_concurrent_frames`. */
  maxInFlightPerSession: number;
  /** Frames in flight per connection, over all its sessions. */
  maxInFlightPerConnection: number;
  /** Largest `section_count` a submit may declare (Python default 16). */
  maxSections: number;
  /** Largest body of one packet (SERVER_HELLO_ACK `max_body_bytes`, default 32 MiB). */
  maxBodyBytes: number;
  /** Cache negotiation and CACHE_PUT handling (decisions.md §6). */
  cache: NnrpCacheLimits;
}

/** Limits of the per-session object cache. */
export interface NnrpCacheLimits {
  enabled: boolean;
  /** Objects per session; over it a put is answered CACHE_ACK rejected. */
  maxObjects: number;
  /** Bytes per session. */
  maxBytes: number;
  /** Bytes of one object (CACHE_ACK `max_object_bytes`). */
  maxObjectBytes: number;
}

/** Caps and timeouts that protect the server from clients that crash, stall, lie or flood. */
export interface NnrpServerLimits {
  /** Largest `meta_len` accepted, checked before anything is buffered. */
  maxMetaLen: number;
  /** Accepted connections at once; more are closed on accept. */
  maxConnections: number;
  /** Live sessions on one connection. */
  maxSessionsPerConnection: number;
  /** Largest auth block accepted in a handshake. */
  maxAuthBytes: number;
  /** Largest control-extension block accepted in a handshake. */
  maxExtensionBytes: number;
  /** Queued outbound bytes above which a connection stops reading its client. */
  writeHighWaterBytes: number;
  /** Queued outbound bytes above which results are dropped and the connection closed. */
  writeHardLimitBytes: number;
  /** Packets held while an asynchronous handshake (auth) is pending. */
  maxPendingPackets: number;
  /** Bytes held while an asynchronous handshake is pending (reading pauses meanwhile). */
  maxPendingBytes: number;
}

/** Options of {@link NnrpTransport} (and of the engine under it). */
export interface NnrpServerOptions {
  /** TCP listener; `false` for none. */
  tcp?: TcpListenerOptions | false;
  /**
   * QUIC listener (ALPN `nnrp/1`, both stream models): host, port, and a certificate chain plus
   * PKCS#8 key in PEM, or `dev: true` for a generated self-signed `localhost` certificate.
   */
  quic?: QuicCarrierOptions | false;
  profile?: Partial<Omit<NnrpServerProfile, 'cache'>> & { cache?: Partial<NnrpCacheLimits> };
  /** Profiles SESSION_OPEN may ask for (default 0, 1, 2). */
  supportedProfiles?: number[];
  /** Operation credit granted at open (default 2, the reference's). */
  grantedOperationCredit?: number;
  /**
   * Enforce operation credit (default false): a submit beyond the credit granted (at open, then
   * by FLOW_UPDATE grants as answers return it) is answered with RESULT_DROP and a hard
   * FLOW_UPDATE. Off by default because Rust 3.8 clients ignore credit (data-plane.md §7.6).
   */
  enforceCredit?: boolean;
  /** Lease TTL advertised at open (default 30 s). */
  leaseTtlMs?: number;
  /** How long a resumable session waits for its client to come back (default 120 s). */
  resumeWindowMs?: number;
  /** `resume_token_bytes` advertised when resume is granted (default 24, the reference's). */
  resumeTokenBytes?: number;
  /** The first packet must arrive and complete within this time (default 10 s). */
  handshakeTimeoutMs?: number;
  /** A connection with no inbound packet for this long is closed (default 120 s, 0 = never). */
  idleTimeoutMs?: number;
  /** PING interval towards CLIENT_HELLO-flow clients (default 15 s, 0 = off). */
  keepaliveIntervalMs?: number;
  /** Deadline of a frame when neither the submit nor the session nor the handler sets one (0 = none). */
  defaultDeadlineMs?: number;
  /** Time given to in-flight frames on `close()` before they are dropped (default 5 s). */
  shutdownDrainMs?: number;
  /** Time the peer gets to read a fatal ERROR before the socket is destroyed (default 200 ms). */
  closeGraceMs?: number;
  /** Send RESULT_HINT on overload to CLIENT_HELLO-flow clients (default true). */
  resultHints?: boolean;
  limits?: Partial<NnrpServerLimits>;
  /**
   * Auth policy used when the application has no `@NnrpSessionOpen()` handler guarded by
   * `NnrpAuthGuard`. Without either, every client connects (decisions.md §9).
   */
  auth?: NnrpAuthPolicy;
  /** Logger; `false` silences the transport. */
  logger?: LoggerService | false;
}

/** Options with every default filled in. */
export interface ResolvedServerOptions extends Required<
  Omit<NnrpServerOptions, 'tcp' | 'profile' | 'limits' | 'auth' | 'logger'>
> {
  tcp: TcpListenerOptions | false;
  profile: NnrpServerProfile;
  limits: NnrpServerLimits;
  auth: NnrpAuthPolicy | undefined;
}

const MIB = 1024 * 1024;

/** The defaults, documented in the README's options table. */
export const DEFAULT_SERVER_PROFILE: NnrpServerProfile = {
  maxInFlightPerSession: 4,
  maxInFlightPerConnection: 256,
  maxSections: 16,
  maxBodyBytes: 32 * MIB,
  cache: { enabled: true, maxObjects: 1024, maxBytes: 64 * MIB, maxObjectBytes: 8 * MIB },
};

export const DEFAULT_SERVER_LIMITS: NnrpServerLimits = {
  maxMetaLen: 64 * 1024,
  maxConnections: 1024,
  maxSessionsPerConnection: 16,
  maxAuthBytes: 16 * 1024,
  maxExtensionBytes: 16 * 1024,
  writeHighWaterBytes: 8 * MIB,
  writeHardLimitBytes: 96 * MIB,
  maxPendingPackets: 64,
  maxPendingBytes: 4 * MIB,
};

/** Fills in every default. */
export function resolveServerOptions(options: NnrpServerOptions): ResolvedServerOptions {
  const profile = options.profile ?? {};
  return {
    tcp: options.tcp ?? false,
    quic: options.quic ?? false,
    profile: {
      ...DEFAULT_SERVER_PROFILE,
      ...profile,
      cache: { ...DEFAULT_SERVER_PROFILE.cache, ...profile.cache },
    },
    supportedProfiles: options.supportedProfiles ?? [0, 1, 2],
    grantedOperationCredit: options.grantedOperationCredit ?? 2,
    enforceCredit: options.enforceCredit ?? false,
    leaseTtlMs: options.leaseTtlMs ?? 30_000,
    resumeWindowMs: options.resumeWindowMs ?? 120_000,
    resumeTokenBytes: options.resumeTokenBytes ?? 24,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
    defaultDeadlineMs: options.defaultDeadlineMs ?? 0,
    shutdownDrainMs: options.shutdownDrainMs ?? 5_000,
    closeGraceMs: options.closeGraceMs ?? 200,
    resultHints: options.resultHints ?? true,
    limits: { ...DEFAULT_SERVER_LIMITS, ...options.limits },
    auth: options.auth,
  };
}
