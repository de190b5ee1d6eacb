import { QuicCarrierError, fromQuicheThrow } from './quic-carrier-error';
import type { QuicCongestionControl, ResolvedQuicTransportOptions } from './quic-options';
import type { QuicNative, QuicheConfig } from './quiche-binding';

/** Server certificate material, PEM encoded. */
export interface QuicServerTlsMaterial {
  /** Leaf certificate first, then intermediates. */
  readonly certificateChainPem: string;
  /** PKCS#8 (or traditional) private key of the leaf certificate. */
  readonly privateKeyPem: string;
}

/** How the client authenticates the server and what it offers. */
export interface QuicClientTlsSettings {
  /** ALPN to offer; `null` offers none. */
  readonly alpn: string | null;
  readonly verifyPeer: boolean;
  /** Trust anchors as concatenated PEM, used when {@link verifyPeer} is set. */
  readonly caPem: string | null;
}

/** Builds the quiche config a server shares between all its connections. */
export function createServerQuicheConfig(
  native: QuicNative,
  transport: ResolvedQuicTransportOptions,
  tls: QuicServerTlsMaterial,
  alpn: string,
): QuicheConfig {
  const config = buildWithTls(() =>
    native.quiche.Config.withBoringSslCtx(
      false,
      false,
      null,
      [Buffer.from(tls.privateKeyPem)],
      [Buffer.from(tls.certificateChainPem)],
      null,
    ),
  );
  // With protocols set, BoringSSL refuses a ClientHello that offers none of them, or offers no
  // ALPN at all (RFC 9001 §8.1), with the no_application_protocol alert.
  config.setApplicationProtos([alpn]);
  applyTransport(native, config, transport);
  return config;
}

/** Builds the quiche config of one client connection. */
export function createClientQuicheConfig(
  native: QuicNative,
  transport: ResolvedQuicTransportOptions,
  tls: QuicClientTlsSettings,
): QuicheConfig {
  const ca = tls.verifyPeer && tls.caPem !== null ? Buffer.from(tls.caPem) : null;
  const config = buildWithTls(() =>
    native.quiche.Config.withBoringSslCtx(tls.verifyPeer, false, ca, null, null, null),
  );
  if (tls.alpn !== null) config.setApplicationProtos([tls.alpn]);
  applyTransport(native, config, transport);
  return config;
}

/** Runs a BoringSSL context build, turning its failure (bad PEM, key mismatch) into `config`. */
function buildWithTls(build: () => QuicheConfig): QuicheConfig {
  try {
    return build();
  } catch (error) {
    const wrapped = fromQuicheThrow(error, 'cannot build the TLS context (certificate or key)');
    throw new QuicCarrierError('config', wrapped.message, { cause: error });
  }
}

function congestionControlId(native: QuicNative, name: QuicCongestionControl): number {
  switch (name) {
    case 'reno':
      return native.congestionControl.Reno;
    case 'bbr':
      return native.congestionControl.BBR;
    case 'cubic':
      return native.congestionControl.CUBIC;
  }
}

function applyTransport(
  native: QuicNative,
  config: QuicheConfig,
  transport: ResolvedQuicTransportOptions,
): void {
  config.grease(true);
  config.setMaxIdleTimeout(transport.idleTimeoutMs);
  config.setMaxRecvUdpPayloadSize(transport.maxUdpPayloadBytes);
  config.setMaxSendUdpPayloadSize(transport.maxUdpPayloadBytes);
  config.setInitialMaxData(transport.initialMaxData);
  config.setInitialMaxStreamDataBidiLocal(transport.initialMaxStreamData);
  config.setInitialMaxStreamDataBidiRemote(transport.initialMaxStreamData);
  config.setInitialMaxStreamDataUni(transport.initialMaxStreamData);
  config.setInitialMaxStreamsBidi(transport.maxStreamsBidi);
  config.setInitialMaxStreamsUni(transport.maxStreamsUni);
  // NNRP peers do not move; refusing migration keeps one path per connection.
  config.setDisableActiveMigration(true);
  config.setCcAlgorithm(congestionControlId(native, transport.congestionControl));
}
