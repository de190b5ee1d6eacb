import { MessageType } from '@nest-nnrp/protocol';
import { loadConformanceVectors } from '../../libs/nnrp-protocol/test/vectors/vector-file';

/** A metadata vector and the message type whose header it belongs behind. */
export interface MetadataSeed {
  readonly messageType: MessageType;
  readonly metadata: Buffer;
  readonly name: string;
}

/** The shared conformance vectors, sorted into what the fuzzer can send. */
export interface ConformanceSeeds {
  /** Whole packets and headers (positive and negative vectors), sent as they are. */
  readonly packets: readonly Buffer[];
  /** Metadata blocks (positive and negative), put behind a valid header of their type. */
  readonly metadata: readonly MetadataSeed[];
  /** Reference code values (`u32_value` vectors), a dictionary of interesting numbers. */
  readonly values: readonly number[];
}

/** Which message carries each metadata recipe of vectors.json. */
const METADATA_TYPES: Readonly<Record<string, MessageType>> = {
  client_hello_metadata: MessageType.ClientHello,
  error_metadata: MessageType.Error,
  flow_update_metadata: MessageType.FlowUpdate,
  frame_submit_metadata: MessageType.FrameSubmit,
  result_push_metadata: MessageType.ResultPush,
  server_hello_ack_metadata: MessageType.ServerHelloAck,
  session_close_ack_metadata: MessageType.SessionCloseAck,
  session_close_metadata: MessageType.SessionClose,
  session_migrate_metadata: MessageType.SessionMigrate,
  session_open_ack_metadata: MessageType.SessionOpenAck,
  session_open_metadata: MessageType.SessionOpen,
  session_patch_metadata: MessageType.SessionPatch,
  // Body-level blocks: fuzzed as the body of a submit.
  schema_descriptor_header: MessageType.FrameSubmit,
  typed_payload_descriptor_v3: MessageType.FrameSubmit,
};

/**
 * Loads `shared/conformance/preview3/vectors.json` with the codec tests' loader: the reference
 * encoder's bytes, good and bad, are the best starting points for mutation.
 */
export function loadConformanceSeeds(): ConformanceSeeds {
  const packets: Buffer[] = [];
  const metadata: MetadataSeed[] = [];
  const values: number[] = [];
  for (const vector of loadConformanceVectors()) {
    const bytes = Buffer.from(vector.hex, 'hex');
    if (vector.scope === 'packet' || vector.scope === 'header') {
      packets.push(bytes);
    } else if (vector.scope === 'value') {
      if (bytes.length === 4) values.push(bytes.readUInt32LE(0));
    } else {
      const messageType = METADATA_TYPES[vector.recipe_type];
      if (messageType !== undefined)
        metadata.push({ messageType, metadata: bytes, name: vector.name });
    }
  }
  if (packets.length === 0 || metadata.length === 0) {
    throw new Error('conformance vectors gave no packet or metadata seeds');
  }
  return { packets, metadata, values };
}
