import { connect, Socket } from 'node:net';
import {
  encodeFrameSubmit,
  encodePacket,
  encodePacketParts,
  encodeSessionOpen,
  FrameSubmitMetadata,
  MessageType,
  Packet,
  PriorityClass,
  StreamFramer,
} from '@nest-nnrp/protocol';

const TOKEN_SUBMIT: FrameSubmitMetadata = {
  srcWidth: 0,
  srcHeight: 0,
  tileWidth: 0,
  tileHeight: 0,
  tileCount: 0,
  sectionCount: 0,
  frameClass: 0,
  inputProfile: 0,
  tileIndexMode: 0,
  latencyBudgetMs: 0,
  targetFpsX100: 0,
  retryOfFrame: 0,
  tileBaseId: 0,
  cameraBytes: 0,
  tileIndexBytes: 0,
  submitMode: 0,
  budgetPolicy: 0,
  lossTolerancePolicy: 0,
  objectRefMask: 0,
  dependencyFrameId: 0,
  payloadKindBitmap: 2,
  payloadFrameCount: 0,
};
const SUBMIT_META = encodeFrameSubmit(TOKEN_SUBMIT);

/** Result of one load run. */
export interface LoadResult {
  frames: number;
  drops: number;
  seconds: number;
  framesPerSecond: number;
  mibPerSecond: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
}

/**
 * A lean SESSION_OPEN-flow load generator: `connections` sockets, each keeping `window` submits
 * in flight for `durationMs`, measuring per-frame latency. Same client for every server.
 */
export async function runLoad(options: {
  port: number;
  connections: number;
  window: number;
  bodyBytes: number;
  durationMs: number;
}): Promise<LoadResult> {
  const body = Buffer.alloc(options.bodyBytes, 0x61);
  const latencies: number[] = [];
  let frames = 0;
  let drops = 0;
  let bytes = 0;
  const start = performance.now();
  const stopAt = start + options.durationMs;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const socket = await openSocket(options.port);
      const framer = new StreamFramer({ maxBodyLen: 64 * 1024 * 1024 });
      const sent = new Map<number, number>();
      let nextFrame = 1;
      let sessionId = 0;
      await new Promise<void>((done) => {
        const submit = (): void => {
          const frameId = nextFrame++;
          sent.set(frameId, performance.now());
          const parts = encodePacketParts(
            { messageType: MessageType.FrameSubmit, sessionId, frameId },
            SUBMIT_META,
            body,
          );
          socket.cork();
          for (const part of parts) socket.write(part);
          socket.uncork();
        };
        socket.on('data', (chunk) =>
          framer.push(chunk, (packet: Packet) => {
            const { header } = packet;
            if (header.messageType === MessageType.SessionOpenAck) {
              sessionId = header.sessionId;
              for (let i = 0; i < options.window; i++) submit();
              return;
            }
            if (
              header.messageType !== MessageType.ResultPush &&
              header.messageType !== MessageType.ResultDrop
            )
              return;
            const at = sent.get(header.frameId);
            if (at === undefined) return;
            sent.delete(header.frameId);
            const now = performance.now();
            latencies.push((now - at) * 1000);
            if (header.messageType === MessageType.ResultDrop) drops++;
            frames++;
            bytes += packet.body.length;
            if (now < stopAt) submit();
            else if (sent.size === 0) done();
          }),
        );
        socket.write(
          encodePacket(
            { messageType: MessageType.SessionOpen },
            encodeSessionOpen({
              requestedSessionId: 0,
              profileId: 2,
              priorityClass: PriorityClass.Balanced,
              sessionFlags: 0,
              schemaId: 0x1001,
              schemaVersion: 3,
              defaultDeadlineMs: 0,
              maxInFlightOperations: 0,
              leaseTtlHintMs: 0,
              resumeTokenBytes: 0,
              authBytes: 0,
              sessionExtensionBytes: 0,
              clientSessionTag: 0n,
            }),
          ),
        );
      });
      socket.destroy();
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    frames,
    drops,
    seconds,
    framesPerSecond: frames / seconds,
    mibPerSecond: bytes / seconds / (1024 * 1024),
    p50Us: pct(0.5),
    p99Us: pct(0.99),
    p999Us: pct(0.999),
  };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => resolve(socket));
  });
}
