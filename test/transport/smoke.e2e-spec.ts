import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { connect } from 'node:net';
import {
  decodeResultPush,
  decodeSessionOpenAck,
  encodeFrameSubmit,
  encodePacket,
  encodeSessionOpen,
  MessageType,
  Packet,
  PriorityClass,
  SessionStatus,
  StreamFramer,
} from '@nest-nnrp/protocol';
import { NnrpSubmit } from '@nest-nnrp/nest';
import { startNnrpTestApp } from '../support/nnrp-test-app';

@Controller()
class UpperController {
  @NnrpSubmit()
  upper(@Payload() body: Buffer): Buffer {
    return Buffer.from(body.toString('utf8').toUpperCase());
  }
}

describe('smoke: raw TCP client against NnrpTransport', () => {
  it('opens a token session, submits, gets the result', async () => {
    const server = await startNnrpTestApp([UpperController]);
    const socket = connect({ host: '127.0.0.1', port: server.port });
    const framer = new StreamFramer();
    const packets: Packet[] = [];
    const waiters: (() => void)[] = [];
    socket.on('data', (chunk) =>
      framer.push(chunk, (p) => {
        packets.push(p);
        waiters.shift()?.();
      }),
    );
    const next = async (): Promise<Packet> => {
      if (packets.length === 0) await new Promise<void>((r) => waiters.push(r));
      return packets.shift()!;
    };
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
          maxInFlightOperations: 4,
          leaseTtlHintMs: 0,
          resumeTokenBytes: 0,
          authBytes: 0,
          sessionExtensionBytes: 0,
          clientSessionTag: 0n,
        }),
      ),
    );
    const ack = await next();
    expect(ack.header.messageType).toBe(MessageType.SessionOpenAck);
    const ackMeta = decodeSessionOpenAck(ack.metadata);
    expect(ackMeta.sessionStatus).toBe(SessionStatus.Opened);
    expect(ackMeta.sessionId).toBe(1);
    const submitMeta = encodeFrameSubmit({
      ...Object.fromEntries(
        [
          'srcWidth',
          'srcHeight',
          'tileWidth',
          'tileHeight',
          'tileCount',
          'sectionCount',
          'frameClass',
          'inputProfile',
          'tileIndexMode',
          'latencyBudgetMs',
          'targetFpsX100',
          'retryOfFrame',
          'tileBaseId',
          'cameraBytes',
          'tileIndexBytes',
          'submitMode',
          'budgetPolicy',
          'lossTolerancePolicy',
          'objectRefMask',
          'dependencyFrameId',
          'payloadFrameCount',
        ].map((k) => [k, 0]),
      ),
      payloadKindBitmap: 2,
    } as Parameters<typeof encodeFrameSubmit>[0]);
    socket.write(
      encodePacket(
        { messageType: MessageType.FrameSubmit, sessionId: 1, frameId: 1 },
        submitMeta,
        Buffer.from('hello'),
      ),
    );
    const result = await next();
    expect(result.header.messageType).toBe(MessageType.ResultPush);
    expect(result.header.frameId).toBe(1);
    expect(decodeResultPush(result.metadata).payloadKindBitmap).toBe(2);
    expect(result.body.toString()).toBe('HELLO');
    socket.destroy();
    await server.close();
  });
});
