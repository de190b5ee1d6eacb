import {
  CacheAckStatus,
  CacheInvalidateScope,
  encodeCacheAck,
  encodeCacheInvalidate,
  encodeCachePut,
  encodeClientHello,
  encodeError,
  encodeFlowUpdate,
  encodeFrameSubmit,
  encodePacket,
  encodeSessionClose,
  encodeSessionMigrate,
  encodeSessionOpen,
  encodeSessionPatch,
  encodeTransportProbe,
  ErrorCode,
  ErrorScope,
  FlowScopeKind,
  HeaderFlag,
  MessageType,
  SessionFlag,
  TransportId,
} from '@nest-nnrp/protocol';
import {
  DEFAULT_CLIENT_HELLO,
  DEFAULT_FRAME_SUBMIT,
  DEFAULT_SESSION_CLOSE,
  DEFAULT_SESSION_OPEN,
  DEFAULT_SESSION_PATCH,
} from '@nest-nnrp/nest';
import { FuzzRoute } from './fuzz-controller';
import { Rng } from './rng';

/** The handshake a fuzzed connection starts with. */
export type Handshake = 'hello' | 'open';

/** What the valid packets of one fuzzed session need to know. */
export interface SeedSession {
  readonly sessionId: number;
  readonly flow: Handshake;
  /** Next frame id to submit (frame ids start at 1, as the Rust client's). */
  nextFrameId: number;
}

/** Kinds of valid client-to-server packets the fuzzer builds with the codec. */
export type SeedKind =
  | 'submit'
  | 'cancel'
  | 'patch'
  | 'migrate'
  | 'sessionClose'
  | 'flowUpdate'
  | 'cachePut'
  | 'cacheInvalidate'
  | 'cacheAck'
  | 'ping'
  | 'pong'
  | 'probe'
  | 'peerError'
  | 'close'
  | 'openAnother'
  | 'helloAgain';

const PATCH_QUALITY_TIER = 0x02;
const MAX_SEED_BODY = 256;
const CACHE_OBJECT_KINDS = 9;

/** The first packet of a fuzzed connection: a valid CLIENT_HELLO or SESSION_OPEN. */
export function handshakePacket(flow: Handshake, requestedSessionId: number): Buffer {
  if (flow === 'hello') {
    return encodePacket(
      { messageType: MessageType.ClientHello, flags: HeaderFlag.AckRequired },
      encodeClientHello({
        ...DEFAULT_CLIENT_HELLO,
        requestedSessionId,
        authBytes: 0,
        controlExtensionBytes: 0,
      }),
    );
  }
  return encodePacket(
    { messageType: MessageType.SessionOpen },
    encodeSessionOpen({ ...DEFAULT_SESSION_OPEN, requestedSessionId }),
  );
}

/** One valid FRAME_SUBMIT of `session` (random route and body unless given). */
export function submitPacket(
  session: SeedSession,
  rng: Rng,
  body?: Buffer,
  route?: number,
): Buffer {
  const frameId = session.nextFrameId++;
  const routeId =
    route ??
    rng.pick([
      FuzzRoute.echo,
      FuzzRoute.echo,
      FuzzRoute.sleep,
      FuzzRoute.throws,
      FuzzRoute.stream,
      FuzzRoute.drop,
      rng.int(0x10000),
    ]);
  return encodePacket(
    { messageType: MessageType.FrameSubmit, sessionId: session.sessionId, frameId, routeId },
    encodeFrameSubmit({
      ...DEFAULT_FRAME_SUBMIT,
      payloadKindBitmap: 2,
      latencyBudgetMs: rng.chance(0.1) ? rng.range(1, 20) : 0,
    }),
    body ?? rng.bytes(rng.int(MAX_SEED_BODY)),
  );
}

/** One valid packet of `kind` for `session`, built with the codec. */
export function seedPacket(kind: SeedKind, session: SeedSession, rng: Rng): Buffer {
  const sessionId = session.sessionId;
  switch (kind) {
    case 'submit':
      return submitPacket(session, rng);
    case 'cancel':
      return encodePacket({
        messageType: MessageType.FrameCancel,
        sessionId,
        frameId: rng.range(1, session.nextFrameId),
      });
    case 'patch':
      return encodePacket(
        { messageType: MessageType.SessionPatch, sessionId },
        encodeSessionPatch({
          ...DEFAULT_SESSION_PATCH,
          patchMask: PATCH_QUALITY_TIER,
          qualityTier: rng.int(4),
        }),
      );
    case 'migrate':
      return encodePacket(
        { messageType: MessageType.SessionMigrate, sessionId },
        encodeSessionMigrate({
          oldTransportId: TransportId.Tcp,
          newTransportId: rng.pick([TransportId.Quic, TransportId.Tcp]),
          lastResultFrameId: BigInt(rng.int(session.nextFrameId)),
          clientMigrateTsUs: 0n,
        }),
      );
    case 'sessionClose':
      return encodePacket(
        { messageType: MessageType.SessionClose, sessionId },
        encodeSessionClose({
          ...DEFAULT_SESSION_CLOSE,
          drainTimeoutMs: rng.pick([0, 0, 20]),
          lastOperationId: BigInt(session.nextFrameId - 1),
          sessionCloseTag: sessionId,
        }),
      );
    case 'flowUpdate':
      return encodePacket(
        { messageType: MessageType.FlowUpdate, sessionId },
        encodeFlowUpdate({
          scopeKind: FlowScopeKind.Session,
          updateReason: 0,
          backpressureLevel: 0,
          connectionCredit: 0,
          sessionCredit: rng.int(16),
          operationCredit: 0,
          operationId: 0n,
          retryAfterMs: 0,
          creditEpoch: rng.u32(),
          flowFlags: 0,
        }),
      );
    case 'cachePut': {
      const object = rng.bytes(rng.int(MAX_SEED_BODY));
      return encodePacket(
        { messageType: MessageType.CachePut, sessionId },
        encodeCachePut({
          cacheNamespace: rng.int(4),
          cacheKeyHi: rng.int(4),
          cacheKeyLo: rng.u32(),
          objectKind: rng.range(1, CACHE_OBJECT_KINDS),
          ttlMs: rng.int(1000),
          objectBytes: object.length,
          codecBitmap: 0,
          flags: rng.int(4),
        }),
        object,
      );
    }
    case 'cacheInvalidate':
      return encodePacket(
        { messageType: MessageType.CacheInvalidate, sessionId },
        encodeCacheInvalidate({
          invalidateScope: rng.pick([
            CacheInvalidateScope.WholeSession,
            CacheInvalidateScope.Namespace,
            CacheInvalidateScope.ObjectKind,
            CacheInvalidateScope.ObjectKey,
          ]),
          cacheNamespace: rng.int(4),
          cacheKeyHi: rng.int(4),
          cacheKeyLo: rng.u32(),
          reasonCode: rng.u32(),
        }),
      );
    case 'cacheAck':
      return encodePacket(
        { messageType: MessageType.CacheAck, sessionId },
        encodeCacheAck({
          cacheNamespace: 0,
          cacheKeyHi: 0,
          cacheKeyLo: rng.u32(),
          status: CacheAckStatus.Accepted,
          acceptedTtlMs: 0,
          maxObjectBytes: 0,
          detailCode: 0,
        }),
      );
    case 'ping':
      return encodePacket({ messageType: MessageType.Ping, traceId: BigInt(rng.u32()) });
    case 'pong':
      return encodePacket({ messageType: MessageType.Pong });
    case 'probe': {
      const filler = rng.int(64);
      return encodePacket(
        { messageType: MessageType.TransportProbe },
        encodeTransportProbe({
          probeId: rng.u32(),
          probePayloadBytes: filler,
          clientSendTsUs: 0n,
        }),
        Buffer.alloc(filler, 'P'),
      );
    }
    case 'peerError': {
      const diagnostic = Buffer.from('fuzz');
      return encodePacket(
        { messageType: MessageType.Error },
        encodeError({
          errorCode: ErrorCode.ServerBusy,
          errorScope: ErrorScope.Session,
          isFatal: false,
          retryAfterMs: 0,
          relatedSessionId: sessionId,
          relatedFrameId: 0,
          relatedViewId: 0,
          diagnosticBytes: diagnostic.length,
        }),
        diagnostic,
      );
    }
    case 'close':
      return encodePacket({ messageType: MessageType.Close }, undefined, Buffer.from('bye'));
    case 'openAnother':
      return encodePacket(
        { messageType: MessageType.SessionOpen },
        encodeSessionOpen({
          ...DEFAULT_SESSION_OPEN,
          requestedSessionId: rng.chance(0.5) ? 0 : rng.u32(),
          sessionFlags: rng.chance(0.5) ? SessionFlag.AllowResume : 0,
        }),
      );
    case 'helloAgain':
      return handshakePacket('hello', 0);
  }
}

/** Relative frequency of each seed kind in a fuzzed session (submits and pings dominate). */
export const SEED_WEIGHTS: Readonly<Record<SeedKind, number>> = {
  submit: 40,
  cancel: 8,
  patch: 3,
  migrate: 3,
  sessionClose: 1,
  flowUpdate: 4,
  cachePut: 4,
  cacheInvalidate: 3,
  cacheAck: 2,
  ping: 15,
  pong: 2,
  probe: 3,
  peerError: 2,
  close: 1,
  openAnother: 2,
  helloAgain: 1,
};
