/** NNRP/1-preview3 message types (`msg_type`, control-plane.md §3). Anything else is rejected. */
export enum MessageType {
  ClientHello = 0x01,
  ServerHelloAck = 0x02,
  SessionPatch = 0x03,
  SessionPatchAck = 0x04,
  Close = 0x05,
  Error = 0x06,
  SessionOpen = 0x07,
  SessionOpenAck = 0x08,
  SessionClose = 0x09,
  SessionCloseAck = 0x0a,
  FrameSubmit = 0x10,
  FrameCancel = 0x11,
  ResultPush = 0x12,
  ResultDrop = 0x13,
  CachePut = 0x14,
  CacheAck = 0x15,
  CacheInvalidate = 0x16,
  FlowUpdate = 0x17,
  ResultHint = 0x18,
  TransportProbe = 0x19,
  TransportProbeAck = 0x1a,
  SessionMigrate = 0x1b,
  SessionMigrateAck = 0x1c,
  Ping = 0x20,
  Pong = 0x21,
}

/** Which plane a message belongs to (control-plane.md §3). */
export type MessagePlane = 'control' | 'data' | 'cache';

/** One row of the message-type table. */
export interface MessageTypeInfo {
  readonly type: MessageType;
  /** Spec name, e.g. `SESSION_OPEN`. */
  readonly name: string;
  readonly plane: MessagePlane;
  /** Fixed metadata length in bytes (0 for header-only messages and CLOSE). */
  readonly fixedMetaLen: number;
}

const ROWS: readonly MessageTypeInfo[] = [
  { type: MessageType.ClientHello, name: 'CLIENT_HELLO', plane: 'control', fixedMetaLen: 64 },
  {
    type: MessageType.ServerHelloAck,
    name: 'SERVER_HELLO_ACK',
    plane: 'control',
    fixedMetaLen: 80,
  },
  { type: MessageType.SessionPatch, name: 'SESSION_PATCH', plane: 'control', fixedMetaLen: 36 },
  {
    type: MessageType.SessionPatchAck,
    name: 'SESSION_PATCH_ACK',
    plane: 'control',
    fixedMetaLen: 48,
  },
  { type: MessageType.Close, name: 'CLOSE', plane: 'control', fixedMetaLen: 0 },
  { type: MessageType.Error, name: 'ERROR', plane: 'control', fixedMetaLen: 32 },
  { type: MessageType.SessionOpen, name: 'SESSION_OPEN', plane: 'control', fixedMetaLen: 48 },
  {
    type: MessageType.SessionOpenAck,
    name: 'SESSION_OPEN_ACK',
    plane: 'control',
    fixedMetaLen: 56,
  },
  { type: MessageType.SessionClose, name: 'SESSION_CLOSE', plane: 'control', fixedMetaLen: 24 },
  {
    type: MessageType.SessionCloseAck,
    name: 'SESSION_CLOSE_ACK',
    plane: 'control',
    fixedMetaLen: 16,
  },
  { type: MessageType.FrameSubmit, name: 'FRAME_SUBMIT', plane: 'data', fixedMetaLen: 72 },
  { type: MessageType.FrameCancel, name: 'FRAME_CANCEL', plane: 'data', fixedMetaLen: 0 },
  { type: MessageType.ResultPush, name: 'RESULT_PUSH', plane: 'data', fixedMetaLen: 64 },
  { type: MessageType.ResultDrop, name: 'RESULT_DROP', plane: 'data', fixedMetaLen: 0 },
  { type: MessageType.CachePut, name: 'CACHE_PUT', plane: 'cache', fixedMetaLen: 32 },
  { type: MessageType.CacheAck, name: 'CACHE_ACK', plane: 'cache', fixedMetaLen: 28 },
  { type: MessageType.CacheInvalidate, name: 'CACHE_INVALIDATE', plane: 'cache', fixedMetaLen: 20 },
  { type: MessageType.FlowUpdate, name: 'FLOW_UPDATE', plane: 'control', fixedMetaLen: 32 },
  { type: MessageType.ResultHint, name: 'RESULT_HINT', plane: 'control', fixedMetaLen: 16 },
  { type: MessageType.TransportProbe, name: 'TRANSPORT_PROBE', plane: 'control', fixedMetaLen: 16 },
  {
    type: MessageType.TransportProbeAck,
    name: 'TRANSPORT_PROBE_ACK',
    plane: 'control',
    fixedMetaLen: 16,
  },
  { type: MessageType.SessionMigrate, name: 'SESSION_MIGRATE', plane: 'control', fixedMetaLen: 24 },
  {
    type: MessageType.SessionMigrateAck,
    name: 'SESSION_MIGRATE_ACK',
    plane: 'control',
    fixedMetaLen: 24,
  },
  { type: MessageType.Ping, name: 'PING', plane: 'control', fixedMetaLen: 0 },
  { type: MessageType.Pong, name: 'PONG', plane: 'control', fixedMetaLen: 0 },
];

// Indexed by code for an O(1) lookup on the hot path (header validation).
const BY_CODE: (MessageTypeInfo | undefined)[] = new Array(256).fill(undefined);
const BY_NAME = new Map<string, MessageTypeInfo>();
for (const row of ROWS) {
  BY_CODE[row.type] = row;
  BY_NAME.set(row.name, row);
}

/** The table row for a code, or `undefined` when the code is not a preview3 message. */
export function messageTypeInfo(code: number): MessageTypeInfo | undefined {
  return BY_CODE[code];
}

/** True when `code` is a preview3 message type. */
export function isKnownMessageType(code: number): code is MessageType {
  return BY_CODE[code] !== undefined;
}

/** Looks a message type up by its spec name (`FLOW_UPDATE`). */
export function messageTypeByName(name: string): MessageTypeInfo | undefined {
  return BY_NAME.get(name);
}

/** The spec name of a code, or `0x..` for an unknown one (for logs and errors). */
export function messageTypeName(code: number): string {
  return BY_CODE[code]?.name ?? `0x${code.toString(16).padStart(2, '0')}`;
}
