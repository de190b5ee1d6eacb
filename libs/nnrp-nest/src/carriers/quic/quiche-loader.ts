import { QuicCarrierError, quicheErrorMessage } from './quic-carrier-error';
import type {
  QuicNative,
  QuicheCongestionControlAlgorithms,
  QuicheModule,
  QuichePacketTypes,
  QuicheShutdownDirections,
} from './quiche-binding';

/** Package name, for messages (the `import()` below must keep a literal specifier). */
const QUIC_PACKAGE = '@matrixai/quic';

let loading: Promise<QuicNative> | undefined;

/**
 * Loads the quiche binding once per process. Rejects with a {@link QuicCarrierError} of kind
 * `binding` when the package or its native addon is missing for this platform.
 */
export function loadQuicNative(): Promise<QuicNative> {
  // `@matrixai/quic` is ESM-only while this library compiles to CommonJS. With
  // `module: nodenext`, TypeScript keeps this `import()` as is in the emitted CommonJS, so Node
  // loads the package through its ESM loader (a `require()` would fail). Jest compiles tests with
  // swc, which turns it into `require()`; jest.config.js maps the specifier to a shim for that.
  loading ??= import('@matrixai/quic').then(
    (module: unknown) => narrowQuicNative(module),
    (error: unknown) => {
      loading = undefined;
      throw new QuicCarrierError(
        'binding',
        `cannot load ${QUIC_PACKAGE}: ${quicheErrorMessage(error)}`,
        { cause: error },
      );
    },
  );
  return loading;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function requireRecord(owner: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = owner[key];
  if (!isRecord(value)) throw bindingMismatch(`${key} is missing`);
  return value;
}

function requireFunctions(owner: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof owner[key] !== 'function') throw bindingMismatch(`${key}() is missing`);
  }
}

function requireNumbers(owner: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof owner[key] !== 'number') throw bindingMismatch(`${key} is not a number`);
  }
}

function bindingMismatch(detail: string): QuicCarrierError {
  return new QuicCarrierError('binding', `unexpected ${QUIC_PACKAGE} native binding: ${detail}`);
}

/** Checks, at the binding boundary, the exact surface declared in `quiche-binding.ts`. */
function narrowQuicNative(module: unknown): QuicNative {
  if (!isRecord(module)) throw bindingMismatch('module namespace is not an object');
  const native = requireRecord(module, 'native');
  const quiche = requireRecord(native, 'quiche');
  requireNumbers(quiche, ['MAX_CONN_ID_LEN', 'MIN_CLIENT_INITIAL_LEN', 'MAX_DATAGRAM_SIZE']);
  requireFunctions(quiche, ['negotiateVersion', 'retry', 'versionIsSupported']);
  requireFunctions(requireRecord(quiche, 'Config'), ['withBoringSslCtx']);
  requireFunctions(requireRecord(quiche, 'Connection'), ['connect', 'accept']);
  requireFunctions(requireRecord(quiche, 'Header'), ['fromSlice']);
  const packetType = requireRecord(native, 'Type');
  requireNumbers(packetType, ['Initial', 'Retry', 'Handshake', 'ZeroRTT', 'Short']);
  const shutdown = requireRecord(native, 'Shutdown');
  requireNumbers(shutdown, ['Read', 'Write']);
  const congestionControl = requireRecord(native, 'CongestionControlAlgorithm');
  requireNumbers(congestionControl, ['Reno', 'CUBIC', 'BBR']);
  // The checks above cover every member the carrier calls; the casts only name the result.
  return {
    quiche: quiche as unknown as QuicheModule,
    packetType: packetType as unknown as QuichePacketTypes,
    shutdown: shutdown as unknown as QuicheShutdownDirections,
    congestionControl: congestionControl as unknown as QuicheCongestionControlAlgorithms,
  };
}
