import { MessageType } from '@nest-nnrp/protocol';

/**
 * decisions.md §10: the Rust 3.8 client aborts on anything but its acks, RESULT_PUSH,
 * RESULT_DROP and FLOW_UPDATE. On a connection whose first packet was SESSION_OPEN we never send
 * PING, RESULT_HINT, CLOSE or a non-fatal ERROR. Enforced here, at the last point before the
 * wire, so no code path can break the rule.
 */
export function maySendToOpenFlow(messageType: MessageType, fatalError: boolean): boolean {
  switch (messageType) {
    case MessageType.Ping:
    case MessageType.ResultHint:
    case MessageType.Close:
      return false;
    case MessageType.Error:
      return fatalError;
    default:
      return true;
  }
}
