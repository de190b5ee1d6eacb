import type { MessageType } from '@nest-nnrp/protocol';

/**
 * A rule of the protocol the server broke without making its packet undecodable. These are
 * recorded (`NnrpClient.violations`), not thrown, so a test can assert on them.
 *
 * - `after-terminal`: a result for a frame that already had its terminal answer (decisions §11).
 * - `unknown-frame`: a result for a frame this client never submitted.
 * - `unknown-session`: a session-scoped packet for a session id the client does not know.
 * - `unsolicited-ack`: an ack (or PONG) nobody was waiting for.
 * - `ack-not-next`: another packet of the session arrived between a SESSION_PATCH / MIGRATE /
 *   CLOSE and its ack (control-plane.md §6.3, decisions §10).
 * - `forbidden-for-open-flow`: PING, RESULT_HINT, CLOSE or a non-fatal ERROR on a SESSION_OPEN
 *   connection (decisions §10).
 * - `unexpected-message`: a client-to-server message type arrived from the server.
 * - `invalid-ack`: an ack that breaks its own rules (subset rules, recovery rules, echoes).
 * - `unanswered-frame`: a session closed while some of its frames had no terminal answer.
 */
export type ViolationKind =
  | 'after-terminal'
  | 'unknown-frame'
  | 'unknown-session'
  | 'unsolicited-ack'
  | 'ack-not-next'
  | 'forbidden-for-open-flow'
  | 'unexpected-message'
  | 'invalid-ack'
  | 'unanswered-frame';

/** One recorded violation. */
export interface ProtocolViolation {
  readonly kind: ViolationKind;
  /** Type of the packet that broke the rule. */
  readonly messageType: MessageType;
  /** Header `session_id` of that packet. */
  readonly sessionId: number;
  /** Header `frame_id` of that packet. */
  readonly frameId: number;
  /** Human-readable explanation. */
  readonly detail: string;
}
