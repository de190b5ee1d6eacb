/**
 * Codec benchmark (issue: foundation): encode+decode rates of FRAME_SUBMIT and RESULT_PUSH
 * packets, header+metadata decode rate, and framer throughput. Prints a table and writes
 * bench/results/codec.json. Run: `npm run bench:codec`.
 */
import {
  EMPTY_FRAME_SUBMIT,
  EMPTY_RESULT_PUSH,
  decodeFrameSubmit,
  decodeHeader,
  decodePacket,
  decodeResultPush,
  encodeFrameSubmit,
  encodePacket,
  encodePacketParts,
  encodeResultPush,
  FrameSubmitMetadata,
  MessageType,
  Packet,
  ResultPushMetadata,
  StreamFramer,
} from '@nest-nnrp/protocol';
import { machine, opsPerSecond, repeat, writeReport } from './support/measure';

const RUNS = 5;
const MIB = 1024 * 1024;

const submit: FrameSubmitMetadata = {
  ...EMPTY_FRAME_SUBMIT,
  latencyBudgetMs: 25,
  lossTolerancePolicy: 0xff,
  payloadKindBitmap: 2,
  payloadFrameCount: 1,
};
const result: ResultPushMetadata = {
  ...EMPTY_RESULT_PUSH,
  statusCode: 200,
  activeProfileId: 2,
  inferenceMs: 3,
  queueMs: 1,
  serverTotalMs: 4,
  payloadKindBitmap: 2,
  payloadFrameCount: 1,
};

function roundTrip(type: MessageType, body: Buffer, copyBody: boolean): () => void {
  const address = { messageType: type, sessionId: 42, frameId: 7 };
  const isSubmit = type === MessageType.FrameSubmit;
  return () => {
    const meta = isSubmit ? encodeFrameSubmit(submit) : encodeResultPush(result);
    let packet: Packet;
    if (copyBody) {
      packet = decodePacket(encodePacket(address, meta, body));
    } else {
      // Zero-copy send path: header+metadata in one buffer, the body untouched.
      const [head] = encodePacketParts(address, meta, body);
      const header = decodeHeader(head);
      packet = { header, metadata: head.subarray(40), body };
    }
    if (isSubmit) decodeFrameSubmit(packet.metadata);
    else decodeResultPush(packet.metadata);
  };
}

function headerAndMetadataDecode(): () => void {
  const bytes = encodePacket(
    { messageType: MessageType.FrameSubmit, sessionId: 1, frameId: 1 },
    encodeFrameSubmit(submit),
    Buffer.alloc(64),
  );
  return () => {
    const header = decodeHeader(bytes);
    if (header.metaLen === 72) decodeFrameSubmit(bytes.subarray(40, 112));
  };
}

function framerMiBps(): number {
  const packet = encodePacket(
    { messageType: MessageType.ResultPush, sessionId: 1, frameId: 1 },
    encodeResultPush(result),
    Buffer.alloc(MIB, 7),
  );
  const packets = 64;
  const stream = Buffer.concat(Array.from({ length: packets }, () => packet));
  const chunk = 64 * 1024;
  const chunks: Buffer[] = [];
  for (let off = 0; off < stream.length; off += chunk)
    chunks.push(stream.subarray(off, off + chunk));
  const framer = new StreamFramer({ maxBodyLen: 2 * MIB });
  let seen = 0;
  const onPacket = (): void => {
    seen++;
  };
  for (const c of chunks) framer.push(c, onPacket); // warm-up
  const rounds = 20;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const c of chunks) framer.push(c, onPacket);
  const seconds = (performance.now() - start) / 1000;
  if (seen !== packets * (rounds + 1)) throw new Error(`framer lost packets: ${seen}`);
  return (stream.length * rounds) / MIB / seconds;
}

function main(): void {
  const small = Buffer.alloc(64, 1);
  const large = Buffer.alloc(MIB, 1);
  const rows = {
    'frame_submit 64 B encode+decode (ops/s)': repeat(RUNS, () =>
      opsPerSecond(roundTrip(MessageType.FrameSubmit, small, true)),
    ),
    'result_push 64 B encode+decode (ops/s)': repeat(RUNS, () =>
      opsPerSecond(roundTrip(MessageType.ResultPush, small, true)),
    ),
    'frame_submit 1 MiB encode+decode, body copied (ops/s)': repeat(RUNS, () =>
      opsPerSecond(roundTrip(MessageType.FrameSubmit, large, true), 1000, 10),
    ),
    'result_push 1 MiB encode+decode, body copied (ops/s)': repeat(RUNS, () =>
      opsPerSecond(roundTrip(MessageType.ResultPush, large, true), 1000, 10),
    ),
    'frame_submit 1 MiB encode+decode, zero-copy parts (ops/s)': repeat(RUNS, () =>
      opsPerSecond(roundTrip(MessageType.FrameSubmit, large, false)),
    ),
    'result_push 1 MiB encode+decode, zero-copy parts (ops/s)': repeat(RUNS, () =>
      opsPerSecond(roundTrip(MessageType.ResultPush, large, false)),
    ),
    'header+frame_submit metadata decode (ops/s)': repeat(RUNS, () =>
      opsPerSecond(headerAndMetadataDecode()),
    ),
    'framer 1 MiB packets in 64 KiB chunks (MiB/s)': repeat(RUNS, framerMiBps),
  };
  const targets = {
    'header+frame_submit metadata decode (ops/s)': 5_000_000,
    'framer 1 MiB packets in 64 KiB chunks (MiB/s)': 2048,
  };
  for (const [name, v] of Object.entries(rows)) {
    const target = (targets as Record<string, number>)[name];
    const verdict = target
      ? v.median >= target
        ? `  (target ${target}: met)`
        : `  (target ${target}: MISSED)`
      : '';
    console.log(
      `${name.padEnd(60)} ${Math.round(v.median).toLocaleString('en-US').padStart(14)}  [${Math.round(v.min)}–${Math.round(v.max)}]${verdict}`,
    );
  }
  const path = writeReport('codec.json', {
    benchmark: 'codec',
    command: 'npm run bench:codec',
    date: new Date().toISOString(),
    machine: machine(),
    runs: RUNS,
    results: rows,
    targets,
  });
  console.log(`report: ${path}`);
}

main();
