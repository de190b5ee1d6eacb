import {
  encodeFrameSubmit,
  encodePacket,
  encodeSessionOpen,
  MessageType,
  SessionFlag,
} from '@nest-nnrp/protocol';
import { DEFAULT_FRAME_SUBMIT, DEFAULT_SESSION_OPEN } from '@nest-nnrp/nest';

/** Whole packets for raw-socket tests, built with the codec (defaults: token session, ids). */

/** SESSION_OPEN of the default token session; `resumable` asks for allow_resume. */
export function rawSessionOpen(requestedSessionId = 0, resumable = false): Buffer {
  return encodePacket(
    { messageType: MessageType.SessionOpen },
    encodeSessionOpen({
      ...DEFAULT_SESSION_OPEN,
      requestedSessionId,
      sessionFlags: resumable ? SessionFlag.AllowResume : 0,
    }),
  );
}

/** FRAME_SUBMIT of a token payload to `routeId`. */
export function rawSubmit(
  sessionId: number,
  frameId: number,
  routeId: number,
  body: Buffer | string = '',
): Buffer {
  return encodePacket(
    { messageType: MessageType.FrameSubmit, sessionId, frameId, routeId },
    encodeFrameSubmit({ ...DEFAULT_FRAME_SUBMIT, payloadKindBitmap: 2 }),
    typeof body === 'string' ? Buffer.from(body) : body,
  );
}
