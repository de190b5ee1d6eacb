/**
 * Bench reference: a bare node:net server that speaks just enough NNRP (SESSION_OPEN ack,
 * FRAME_SUBMIT → RESULT_PUSH echo) with the project's framer. The physical limit of Node here.
 */
import { createServer } from 'node:net';
import {
  encodePacketParts,
  encodeResultPush,
  encodeSessionOpenAck,
  MessageType,
  Packet,
  SessionStatus,
  StreamFramer,
  EMPTY_RESULT_PUSH,
} from '@nest-nnrp/protocol';
import { serveBenchControl } from './server-control';

const ackMetadata = encodeSessionOpenAck({
  sessionId: 1,
  acceptedProfileId: 2,
  acceptedPriorityClass: 1,
  sessionStatus: SessionStatus.Opened,
  schemaId: 0x1001,
  schemaVersion: 3,
  grantedOperationCredit: 2,
  maxInFlightOperations: 256,
  leaseTtlMs: 30000,
  resumeWindowMs: 0,
  resumeTokenBytes: 0,
  sessionExtensionBytes: 0,
  serverSessionTag: 1n,
  routeScopeId: 0,
  sessionErrorCode: 0,
  sessionFlagsAck: 0,
});

const server = createServer({ noDelay: true }, (socket) => {
  const framer = new StreamFramer({ maxBodyLen: 64 * 1024 * 1024 });
  socket.on('data', (chunk) =>
    framer.push(chunk, (packet: Packet) => {
      const { header } = packet;
      if (header.messageType === MessageType.SessionOpen) {
        for (const part of encodePacketParts(
          { messageType: MessageType.SessionOpenAck, sessionId: 1 },
          ackMetadata,
        ))
          socket.write(part);
        return;
      }
      if (header.messageType !== MessageType.FrameSubmit) return;
      const meta = encodeResultPush({
        ...EMPTY_RESULT_PUSH,
        activeProfileId: 2,
        payloadKindBitmap: 2,
      });
      const parts = encodePacketParts(
        {
          messageType: MessageType.ResultPush,
          sessionId: header.sessionId,
          frameId: header.frameId,
        },
        meta,
        packet.body,
      );
      socket.cork();
      for (const part of parts) socket.write(part);
      socket.uncork();
    }),
  );
  socket.on('error', () => socket.destroy());
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  serveBenchControl(port, () => new Promise((resolve) => server.close(() => resolve())));
});
