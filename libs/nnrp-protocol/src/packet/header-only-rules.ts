import { PacketHeader } from '../header/packet-header';
import { MessageType } from '../header/message-type';
import { requireRule } from '../metadata/field-checks';

// Length rules of the messages that have no fixed metadata (control-plane.md §4.12, §4.14;
// data-plane.md §4, §6). They run on the decoded header, before anything is dispatched.

/** RESULT_DROP is header-only (`validate_result_drop_header`). */
export function validateResultDropHeader(header: PacketHeader): void {
  requireRule(
    header.messageType === MessageType.ResultDrop && header.metaLen === 0 && header.bodyLen === 0,
    'RESULT_DROP is header-only and requires meta_len=0 and body_len=0',
  );
}

/** FRAME_CANCEL is header-only ("malformed FRAME_CANCEL lengths"). */
export function validateFrameCancelHeader(header: PacketHeader): void {
  requireRule(
    header.messageType === MessageType.FrameCancel && header.metaLen === 0 && header.bodyLen === 0,
    'FRAME_CANCEL is header-only and requires meta_len=0 and body_len=0',
  );
}

/** PING and PONG are header-only (`validate_empty_control_header`). */
export function validateEmptyControlHeader(header: PacketHeader): void {
  requireRule(
    (header.messageType === MessageType.Ping || header.messageType === MessageType.Pong) &&
      header.metaLen === 0 &&
      header.bodyLen === 0,
    'PING/PONG are header-only and require meta_len=0 and body_len=0',
  );
}

/** CLOSE has no metadata; its body is a free-form reason (`validate_close_header`). */
export function validateCloseHeader(header: PacketHeader): void {
  requireRule(
    header.messageType === MessageType.Close && header.metaLen === 0,
    'CLOSE requires meta_len=0',
  );
}
