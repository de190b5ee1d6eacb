import type { MessageType } from '@nest-nnrp/protocol';
import type { InboundMessageOf } from './inbound-message';

/** An ERROR packet the server sent. */
export type ReceivedError = InboundMessageOf<MessageType.Error>;
/** A FLOW_UPDATE packet the server sent. */
export type ReceivedFlowUpdate = InboundMessageOf<MessageType.FlowUpdate>;
/** A RESULT_HINT packet the server sent. */
export type ReceivedHint = InboundMessageOf<MessageType.ResultHint>;
/** A CACHE_PUT, CACHE_ACK or CACHE_INVALIDATE packet the server sent. */
export type ReceivedCacheMessage =
  | InboundMessageOf<MessageType.CachePut>
  | InboundMessageOf<MessageType.CacheAck>
  | InboundMessageOf<MessageType.CacheInvalidate>;

/** Direction of a packet, from the client's point of view. */
export type PacketDirection = 'in' | 'out';

/** One packet of a session's timeline, in wire order. */
export interface PacketRecord {
  readonly direction: PacketDirection;
  readonly messageType: MessageType;
  readonly frameId: number;
}
