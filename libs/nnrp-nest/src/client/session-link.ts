import type { PacketAddress, TransportId } from '@nest-nnrp/protocol';
import type { ListenerErrorSink } from './event-log';
import type { InboundMessage } from './inbound-message';
import type { ViolationKind } from './protocol-violation';

/**
 * What a {@link ClientSession} needs from the client that owns it: the wire, the violation
 * record and the error sink. Kept as an interface so sessions do not depend on the client class.
 */
export interface SessionLink {
  /** Transport of the carrier (SESSION_MIGRATE defaults). */
  readonly transportId: TransportId;
  /** Where listener exceptions go. */
  readonly onListenerError: ListenerErrorSink;
  /**
   * Writes one packet (lengths computed from the parts). `uni` sends it on a new QUIC uni
   * stream. Throws `NnrpClientError` (`closed` / `unsupported`) when it cannot be written.
   */
  send(address: PacketAddress, metadata?: Buffer, body?: Buffer, uni?: boolean): void;
  /** Records a protocol violation caused by `message`. */
  violation(kind: ViolationKind, message: InboundMessage, detail: string): void;
}
