import { requireLength, requireZero } from '../../metadata/field-checks';

/** Fixed metadata length of TRANSPORT_PROBE_ACK (control-plane.md §4.16). */
export const TRANSPORT_PROBE_ACK_METADATA_LEN = 16;

/** Byte offsets of TRANSPORT_PROBE_ACK metadata fields (control-plane.md §4.16). */
export const TransportProbeAckOffset = {
  probeId: 0,
  reserved0: 4,
  serverRecvTsUs: 8,
} as const;

/** TRANSPORT_PROBE_ACK (0x1a) fixed metadata; body empty, header sid 0. */
export interface TransportProbeAckMetadata {
  /** Echo of the probe's id. */
  probeId: number;
  /** Server timestamp, µs, from a monotonic clock. */
  serverRecvTsUs: bigint;
}

/** Decodes TRANSPORT_PROBE_ACK metadata: length ≥ 16, reserved0 = 0. */
export function decodeTransportProbeAck(src: Buffer): TransportProbeAckMetadata {
  requireLength(src, TRANSPORT_PROBE_ACK_METADATA_LEN, 'transport_probe_ack');
  requireZero(src.readUInt32LE(TransportProbeAckOffset.reserved0), 'transport_probe_ack.reserved0');
  return {
    probeId: src.readUInt32LE(TransportProbeAckOffset.probeId),
    serverRecvTsUs: src.readBigUInt64LE(TransportProbeAckOffset.serverRecvTsUs),
  };
}

/** Encodes TRANSPORT_PROBE_ACK metadata (16 bytes, reserved zero). */
export function encodeTransportProbeAck(m: TransportProbeAckMetadata): Buffer {
  const out = Buffer.alloc(TRANSPORT_PROBE_ACK_METADATA_LEN);
  out.writeUInt32LE(m.probeId, TransportProbeAckOffset.probeId);
  out.writeBigUInt64LE(m.serverRecvTsUs, TransportProbeAckOffset.serverRecvTsUs);
  return out;
}
