/**
 * Typed view of the parts of the quiche N-API binding (exported by `@matrixai/quic` as
 * `native`) that the QUIC carrier uses. The package's own declarations are ESM-only and typed
 * for its high-level classes; the carrier talks to quiche directly, so it declares exactly the
 * surface it relies on and the loader checks it at runtime.
 *
 * Conventions of the binding (quiche 0.18): a `null` return means quiche's `Done` (nothing to
 * do); any other quiche error is thrown as an `Error` whose message is the quiche error name,
 * e.g. `StreamReset(7)`. Thrown errors may come from another realm (jest), so callers must not
 * rely on `instanceof Error`.
 */

/** An IP address (literal) and port, as quiche identifies a path end. */
export interface QuicheHostPort {
  host: string;
  port: number;
}

/** Where a received datagram came from and arrived at. */
export interface QuicheRecvInfo {
  from: QuicheHostPort;
  to: QuicheHostPort;
}

/** Where quiche wants a produced datagram to go (`at` is the pacing instant, unused). */
export interface QuicheSendInfo {
  from: QuicheHostPort;
  to: QuicheHostPort;
}

/** A CONNECTION_CLOSE as quiche reports it (`localError` / `peerError`). */
export interface QuicheConnectionError {
  isApp: boolean;
  errorCode: number;
  reason: Uint8Array;
}

/** quiche connection configuration (`quiche::Config`). One instance can serve many connections. */
export interface QuicheConfig {
  verifyPeer(verify: boolean): void;
  grease(grease: boolean): void;
  setApplicationProtos(protocols: string[]): void;
  setMaxIdleTimeout(timeoutMs: number): void;
  setMaxRecvUdpPayloadSize(size: number): void;
  setMaxSendUdpPayloadSize(size: number): void;
  setInitialMaxData(bytes: number): void;
  setInitialMaxStreamDataBidiLocal(bytes: number): void;
  setInitialMaxStreamDataBidiRemote(bytes: number): void;
  setInitialMaxStreamDataUni(bytes: number): void;
  setInitialMaxStreamsBidi(count: number): void;
  setInitialMaxStreamsUni(count: number): void;
  setMaxStreamWindow(bytes: number): void;
  setMaxConnectionWindow(bytes: number): void;
  setDisableActiveMigration(disable: boolean): void;
  setCcAlgorithm(algorithm: number): void;
}

/** Builds a {@link QuicheConfig} around a BoringSSL context. */
export interface QuicheConfigConstructor {
  /**
   * @param verifyPeer - verify the peer certificate chain
   * @param verifyAllowFail - let the handshake continue when verification fails (not used)
   * @param ca - concatenated PEM trust anchors
   * @param keys - private keys, PEM (one per certificate chain)
   * @param certChains - certificate chains, PEM (leaf first)
   * @param sigalgs - OpenSSL-style signature algorithm list, `null` for BoringSSL defaults
   */
  withBoringSslCtx(
    verifyPeer: boolean,
    verifyAllowFail: boolean,
    ca: Uint8Array | null,
    keys: Uint8Array[] | null,
    certChains: Uint8Array[] | null,
    sigalgs: string | null,
  ): QuicheConfig;
}

/** Iterable of stream ids (`readable()`); a snapshot taken by quiche. */
export type QuicheStreamIds = Iterable<number>;

/** One quiche connection (`quiche::Connection`). */
export interface QuicheConnection {
  recv(datagram: Uint8Array, info: QuicheRecvInfo): number;
  send(out: Uint8Array): [number, QuicheSendInfo] | null;
  streamRecv(streamId: number, out: Uint8Array): [number, boolean] | null;
  streamSend(streamId: number, data: Uint8Array, fin: boolean): number | null;
  streamShutdown(streamId: number, direction: number, errorCode: number): void | null;
  streamCapacity(streamId: number): number;
  readable(): QuicheStreamIds;
  isReadable(): boolean;
  peerStreamsLeftBidi(): number;
  peerStreamsLeftUni(): number;
  timeout(): number | null;
  onTimeout(): void;
  close(isApp: boolean, errorCode: number, reason: Uint8Array): void | null;
  applicationProto(): Uint8Array;
  isEstablished(): boolean;
  isClosed(): boolean;
  isDraining(): boolean;
  isTimedOut(): boolean;
  localError(): QuicheConnectionError | null;
  peerError(): QuicheConnectionError | null;
  sourceId(): Uint8Array;
}

/** `quiche::connect` / `quiche::accept`. */
export interface QuicheConnectionConstructor {
  connect(
    serverName: string | null,
    scid: Uint8Array,
    local: QuicheHostPort,
    remote: QuicheHostPort,
    config: QuicheConfig,
  ): QuicheConnection;
  accept(
    scid: Uint8Array,
    originalDcid: Uint8Array | null,
    local: QuicheHostPort,
    remote: QuicheHostPort,
    config: QuicheConfig,
  ): QuicheConnection;
}

/** A parsed QUIC packet header (`quiche::Header`). */
export interface QuicheHeader {
  ty: number;
  version: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  token?: Uint8Array;
}

/** `quiche::Header::from_slice`. */
export interface QuicheHeaderParser {
  fromSlice(datagram: Uint8Array, shortHeaderDcidLength: number): QuicheHeader;
}

/** The `native.quiche` object: constants, constructors and stateless packet builders. */
export interface QuicheModule {
  MAX_CONN_ID_LEN: number;
  MIN_CLIENT_INITIAL_LEN: number;
  MAX_DATAGRAM_SIZE: number;
  Config: QuicheConfigConstructor;
  Connection: QuicheConnectionConstructor;
  Header: QuicheHeaderParser;
  negotiateVersion(scid: Uint8Array, dcid: Uint8Array, out: Uint8Array): number;
  retry(
    scid: Uint8Array,
    dcid: Uint8Array,
    newScid: Uint8Array,
    token: Uint8Array,
    version: number,
    out: Uint8Array,
  ): number;
  versionIsSupported(version: number): boolean;
}

/** QUIC packet types as numbered by the binding (`native.Type`). */
export interface QuichePacketTypes {
  Initial: number;
  Retry: number;
  Handshake: number;
  ZeroRTT: number;
  VersionNegotiation: number;
  Short: number;
}

/** Stream shutdown directions (`native.Shutdown`). */
export interface QuicheShutdownDirections {
  Read: number;
  Write: number;
}

/** Congestion control algorithms (`native.CongestionControlAlgorithm`). */
export interface QuicheCongestionControlAlgorithms {
  Reno: number;
  CUBIC: number;
  BBR: number;
}

/** Everything the carrier needs from `@matrixai/quic`'s `native` export, checked at load. */
export interface QuicNative {
  readonly quiche: QuicheModule;
  readonly packetType: QuichePacketTypes;
  readonly shutdown: QuicheShutdownDirections;
  readonly congestionControl: QuicheCongestionControlAlgorithms;
}
