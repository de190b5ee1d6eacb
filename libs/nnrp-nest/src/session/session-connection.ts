import type { PacketAddress } from '@nest-nnrp/protocol';
import type { InboundStream } from '../carriers/carrier-connection';

/** What a result packet is to its frame: a partial, or the frame's terminal answer. */
export type FrameAnswer = 'partial' | 'terminal';

/** How a session reaches its connection: packets out, and in-flight accounting. */
export interface SessionConnection {
  /** Which handshake the connection used (decides what the client may receive, decisions.md §10). */
  readonly flow: 'hello' | 'open';
  readonly carrier: 'tcp' | 'quic';
  readonly remoteAddress: string;
  /**
   * Writes one packet. `via` names the inbound stream whose family the answer must use
   * (a QUIC uni-stream submit is answered on a new server uni stream); `answer` says what a
   * result is to its accepted frame (the connection orders a frame's uni streams by it).
   */
  sendPacket(
    address: PacketAddress,
    metadata?: Buffer,
    body?: Buffer,
    via?: InboundStream,
    answer?: FrameAnswer,
  ): void;
  /**
   * Tells a CLIENT_HELLO-flow client why a frame fails: a frame-scope, non-fatal ERROR
   * (never sent to SESSION_OPEN-flow clients, decisions.md §10).
   */
  sendFrameError(errorCode: number, sessionId: number, frameId: number): void;
  /** In-flight frames of the connection changed by `delta`. */
  inFlightChanged(delta: number): void;
}
