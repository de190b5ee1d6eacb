import { CarrierConnection, connectQuic, connectTcp, InboundStream } from '@nest-nnrp/nest';
import {
  EMPTY_FRAME_SUBMIT,
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

const TOKEN_SUBMIT: FrameSubmitMetadata = { ...EMPTY_FRAME_SUBMIT, payloadKindBitmap: 2 };
const SUBMIT_META = encodeFrameSubmit(TOKEN_SUBMIT);
const MIB = 1024 * 1024;

/** How the load generator reaches the server. */
export type BenchTarget =
  { carrier: 'tcp'; port: number } | { carrier: 'quic'; port: number; uni: boolean };

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

/** Options of {@link runLoad}. */
export interface LoadOptions {
  target: BenchTarget;
  connections: number;
  window: number;
  bodyBytes: number;
  durationMs: number;
  /** Route id of the submits (selects a handler on servers that route). */
  routeId?: number;
  /** Per-submit latency budget (ms), e.g. to make a share of frames time out. */
  latencyBudget?: (frameId: number) => number;
}

function connect(target: BenchTarget): Promise<CarrierConnection> {
  return target.carrier === 'tcp'
    ? connectTcp({ host: '127.0.0.1', port: target.port })
    : connectQuic('127.0.0.1', target.port, { insecure: true });
}

/**
 * A lean SESSION_OPEN-flow load generator over any carrier: `connections` connections, each
 * keeping `window` submits in flight for `durationMs` and measuring per-frame latency. The same
 * client drives every server, so the rows compare servers, not clients.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const body = Buffer.alloc(options.bodyBytes, 0x61);
  const latencies: number[] = [];
  let frames = 0;
  let drops = 0;
  let bytes = 0;
  const start = performance.now();
  const stopAt = start + options.durationMs;
  const uni = options.target.carrier === 'quic' && options.target.uni;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const carrier = await connect(options.target);
      const framers = new Map<number, StreamFramer>();
      const sent = new Map<number, number>();
      let nextFrame = 1;
      let sessionId = 0;
      await new Promise<void>((done, fail) => {
        const submit = (): void => {
          const frameId = nextFrame++;
          sent.set(frameId, performance.now());
          const metadata =
            options.latencyBudget === undefined
              ? SUBMIT_META
              : encodeFrameSubmit({
                  ...TOKEN_SUBMIT,
                  latencyBudgetMs: options.latencyBudget(frameId),
                });
          const parts = encodePacketParts(
            {
              messageType: MessageType.FrameSubmit,
              sessionId,
              frameId,
              routeId: options.routeId ?? 0,
            },
            metadata,
            body,
          );
          if (uni) carrier.writeOnNewUniStream(parts);
          else carrier.write(parts);
        };
        const onPacket = (packet: Packet): void => {
          const { header } = packet;
          if (header.messageType === MessageType.SessionOpenAck) {
            sessionId = header.sessionId;
            for (let i = 0; i < options.window; i++) submit();
            return;
          }
          const terminal =
            header.messageType === MessageType.ResultDrop ||
            (header.messageType === MessageType.ResultPush && (packet.metadata[2] & 0x4) === 0);
          if (!terminal) return;
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
        };
        carrier.attach({
          onStreamData: (stream: InboundStream, chunk: Buffer) => {
            let framer = framers.get(stream.id);
            if (!framer)
              framers.set(stream.id, (framer = new StreamFramer({ maxBodyLen: 64 * MIB })));
            framer.push(chunk, onPacket);
          },
          onStreamEnd: (stream) => framers.delete(stream.id),
          onStreamReset: () => fail(new Error('stream reset')),
          onWritable: () => undefined,
          onClosed: (error) => (sent.size > 0 ? fail(error ?? new Error('closed')) : undefined),
        });
        carrier.write([
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
        ]);
      });
      carrier.destroy();
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
    mibPerSecond: bytes / seconds / MIB,
    p50Us: pct(0.5),
    p99Us: pct(0.99),
    p999Us: pct(0.999),
  };
}
