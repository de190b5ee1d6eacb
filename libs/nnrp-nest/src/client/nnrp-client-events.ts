import type { InboundMessage } from './inbound-message';
import type { NnrpClientError } from './nnrp-client-error';
import type { ProtocolViolation } from './protocol-violation';
import type { ReceivedCacheMessage, ReceivedError, ReceivedFlowUpdate } from './received-packets';

/** Events of an {@link NnrpClient} (also hooked through `ClientNnrp.on`). */
export interface NnrpClientEvents {
  /** Every validated inbound packet, after the client handled it. */
  packet: (message: InboundMessage) => void;
  /** An ERROR packet from the server. */
  error: (error: ReceivedError) => void;
  /** A recorded protocol violation. */
  violation: (violation: ProtocolViolation) => void;
  /** A connection-scope FLOW_UPDATE (session-scope ones go to the session). */
  flowUpdate: (update: ReceivedFlowUpdate) => void;
  /** A CACHE_* packet from the server. */
  cache: (message: ReceivedCacheMessage) => void;
  /** The connection is gone; `reason` says why when it was not a plain close. */
  close: (reason: NnrpClientError | undefined) => void;
}
