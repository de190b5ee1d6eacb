import {
  buildTensorSubmitBody,
  decodeError,
  ErrorMetadata,
  ErrorScope,
  FrameSubmitMetadata,
  MessageType,
  PayloadKind,
  TensorDtype,
  TensorLayout,
  TensorScalePolicy,
  TensorSubmitBodyInput,
  TOKEN_DELTA_SCHEMA_ID,
  TOKEN_DELTA_SCHEMA_VERSION,
} from '@nest-nnrp/protocol';
import {
  ClientSession,
  HelloOptions,
  NnrpClient,
  NnrpClientEvents,
  NnrpEngine,
  NnrpSession,
  NnrpTransportOptions,
  OpenSessionOptions,
  ReceivedFlowUpdate,
  SubmitOptions,
} from '@nest-nnrp/nest';
import { CarrierMode } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { destroyClients } from '../support/nnrp-test-client';
import { ConformanceController, ConformanceProbe } from './conformance-controller';
import { freshSessionId } from './session-ids';
import { nextEvent } from './signals';
import { WirePacket, WirePeer } from './wire-peer';

/** A test app serving {@link ConformanceController}, with its probe and protocol engine. */
export interface ConformanceApp extends NnrpTestApp {
  readonly probe: ConformanceProbe;
  readonly engine: NnrpEngine;
}

/** Starts the conformance controller behind an NnrpTransport (TCP unless `mode` says). */
export async function startConformanceApp(
  options: NnrpTransportOptions = {},
  mode: CarrierMode = 'tcp',
): Promise<ConformanceApp> {
  const app = await startNnrpTestApp([ConformanceController], options, [ConformanceProbe], mode);
  const probe = app.app.get(ConformanceProbe);
  const engine = app.transport.unwrap<NnrpEngine>();
  probe.engine = engine;
  return { ...app, probe, engine };
}

/** Closes every client and raw peer a test opened (afterEach). */
export async function closePeers(): Promise<void> {
  await destroyClients();
  await WirePeer.destroyAll();
}

/** Runs `body` against an app with its own options, then closes it and every peer. */
export async function withApp(
  options: NnrpTransportOptions,
  body: (app: ConformanceApp) => Promise<void>,
): Promise<void> {
  const app = await startConformanceApp(options);
  try {
    await body(app);
  } finally {
    await closePeers();
    await app.close();
  }
}

/** The server's live session `id` (fails the test when there is none). */
export function serverSession(app: ConformanceApp, id: number): NnrpSession {
  const session = app.engine.sessions.get(id);
  if (!session) throw new Error(`the server has no live session ${id}`);
  return session;
}

/** The token profile with the standard token-delta schema (the reference's default session). */
export const TOKEN_SESSION = {
  profileId: 2,
  schemaId: TOKEN_DELTA_SCHEMA_ID,
  schemaVersion: TOKEN_DELTA_SCHEMA_VERSION,
} as const;

/** SESSION_OPEN of a token session under a fresh id (overrides win). */
export function openSession(
  client: NnrpClient,
  overrides: OpenSessionOptions = {},
): Promise<ClientSession> {
  return client.openSession({
    ...TOKEN_SESSION,
    requestedSessionId: freshSessionId(),
    ...overrides,
  });
}

/** CLIENT_HELLO under a fresh id (overrides win). */
export function helloSession(
  client: NnrpClient,
  overrides: HelloOptions = {},
): Promise<ClientSession> {
  return client.hello({ requestedSessionId: freshSessionId(), ...overrides });
}

/** Submit options of a token-profile frame (payload kind token_chunk). */
export const TOKEN = { payloadKindBitmap: PayloadKind.TokenChunk } as const;

/** Submit options for `route` with token payload kinds. */
export function tokenRoute(routeId: number, extra: SubmitOptions = {}): SubmitOptions {
  return { ...extra, routeId, metadata: { ...TOKEN, ...extra.metadata } };
}

/**
 * The fatal ERROR a server sent before closing `client`'s connection: exactly one ERROR,
 * fatal, and the connection gone.
 */
export async function fatalErrorOf(client: NnrpClient): Promise<ErrorMetadata> {
  await client.closed;
  expect(client.errors).toHaveLength(1);
  const error = client.errors[0].metadata;
  expect(error.isFatal).toBe(true);
  return error;
}

/** The ERROR packets among what a raw peer received. */
export function errorsOf(packets: readonly WirePacket[]): ErrorMetadata[] {
  return packets
    .filter((packet) => packet.header.messageType === MessageType.Error)
    .map((packet) => decodeError(packet.metadata));
}

/** A copy of `bytes` with `edit` applied (for malformed variants of valid packets). */
export function patched(bytes: Buffer, edit: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(bytes);
  edit(copy);
  return copy;
}

/**
 * Sends `packet` on a fresh raw connection (after a CLIENT_HELLO when `handshake` is `hello`;
 * the packet builder gets the session id) and expects the connection-fatal answer of
 * decisions.md §16: one ERROR (fatal, connection scope) and nothing else, then the close.
 */
export async function fatalErrorFor(
  app: ConformanceApp,
  packet: (sessionId: number) => Buffer,
  handshake: 'hello' | 'none' = 'none',
): Promise<{ error: ErrorMetadata; sessionId: number }> {
  const peer = await WirePeer.connect(app.port);
  const sessionId = handshake === 'hello' ? await peer.hello() : 0;
  const handshakePackets = peer.packets.length;
  peer.sendRaw(packet(sessionId));
  await peer.closed;
  const answer = peer.packets.slice(handshakePackets);
  expect(answer.map((p) => p.header.messageType)).toEqual([MessageType.Error]);
  const [error] = errorsOf(answer);
  expect(error).toMatchObject({ isFatal: true, errorScope: ErrorScope.Connection });
  return { error, sessionId };
}

/** A tensor sample: four tiles (raw_u16 ids, not a dense run) and two sections. */
export const SAMPLE_TENSOR: Omit<TensorSubmitBodyInput, 'layout'> = {
  tileIds: [9, 3, 12, 7],
  sections: [
    {
      roleId: 1,
      codecId: 0,
      dtypeId: TensorDtype.Uint8,
      layoutId: TensorLayout.Nhwc,
      scalePolicy: TensorScalePolicy.None,
      elementCountPerTile: 4,
      tilePayloads: [
        Uint8Array.of(1, 2, 3, 4),
        Uint8Array.of(5, 6, 7, 8),
        Uint8Array.of(9, 10, 11, 12),
        Uint8Array.of(13, 14, 15, 255),
      ],
    },
    {
      roleId: 4,
      codecId: 1,
      dtypeId: TensorDtype.Int16,
      layoutId: TensorLayout.Nchw,
      scalePolicy: TensorScalePolicy.Linear,
      elementCountPerTile: 1,
      tilePayloads: [
        Uint8Array.of(0, 1),
        Uint8Array.of(2),
        Uint8Array.of(),
        Uint8Array.of(3, 4, 5),
      ],
    },
  ],
};

/** A tensor FRAME_SUBMIT (body and metadata) built from `input` in `layout`. */
export function tensorSubmit(
  input: Partial<TensorSubmitBodyInput> & Pick<TensorSubmitBodyInput, 'layout'>,
): { body: Buffer; metadata: Partial<FrameSubmitMetadata> } {
  const build = buildTensorSubmitBody({ ...SAMPLE_TENSOR, ...input });
  return {
    body: build.body,
    metadata: {
      srcWidth: 64,
      srcHeight: 64,
      tileWidth: 16,
      tileHeight: 16,
      tileCount: build.tileCount,
      sectionCount: build.sectionCount,
      tileIndexMode: build.tileIndexMode,
      tileIndexBytes: build.tileIndexBytes,
      tileBaseId: build.tileBaseId,
      cameraBytes: build.cameraBytes,
      submitMode: build.submitMode,
      objectRefMask: build.objectRefMask,
      payloadKindBitmap: build.payloadKindBitmap,
      payloadFrameCount: build.payloadFrameCount,
    },
  };
}

/** SAMPLE_TENSOR's tiles as the tensor route answers them: every byte + 1. */
export function incrementedTiles(section: number): number[][] {
  return SAMPLE_TENSOR.sections[section].tilePayloads.map((tile) =>
    [...tile].map((byte) => (byte + 1) & 0xff),
  );
}

/** The next FLOW_UPDATE of `session` (session or operation scope). */
export function nextFlowUpdate(session: ClientSession): Promise<ReceivedFlowUpdate> {
  return nextEvent<ReceivedFlowUpdate>((listener) => session.onFlowUpdate(listener));
}

/** The next `event` of `client` (its first argument). */
export function nextClientEvent<K extends keyof NnrpClientEvents>(
  client: NnrpClient,
  event: K,
): Promise<Parameters<NnrpClientEvents[K]>[0]> {
  type Argument = Parameters<NnrpClientEvents[K]>[0];
  return nextEvent<Argument>((listener) =>
    client.on(event, ((value: Argument) => listener(value)) as NnrpClientEvents[K]),
  );
}
