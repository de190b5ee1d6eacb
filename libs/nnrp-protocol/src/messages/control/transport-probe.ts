import { NnrpErrorKind } from '../../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../../errors/nnrp-protocol-error';
import { requireLength } from '../../metadata/field-checks';

/** Fixed metadata length of TRANSPORT_PROBE (control-plane.md §4.16). */
export const TRANSPORT_PROBE_METADATA_LEN = 16;

/** Byte offsets of TRANSPORT_PROBE metadata fields (control-plane.md §4.16). */
export const TransportProbeOffset = {
  probeId: 0,
  probePayloadBytes: 4,
  clientSendTsUs: 8,
} as const;

/** TRANSPORT_PROBE (0x19) fixed metadata; the body is `probe_payload_bytes` of filler. */
export interface TransportProbeMetadata {
  probeId: number;
  probePayloadBytes: number;
  /** Client timestamp, µs. */
  clientSendTsUs: bigint;
}

/** Decodes TRANSPORT_PROBE metadata (length ≥ 16; nothing else is checked). */
export function decodeTransportProbe(src: Buffer): TransportProbeMetadata {
  requireLength(src, TRANSPORT_PROBE_METADATA_LEN, 'transport_probe');
  return {
    probeId: src.readUInt32LE(TransportProbeOffset.probeId),
    probePayloadBytes: src.readUInt32LE(TransportProbeOffset.probePayloadBytes),
    clientSendTsUs: src.readBigUInt64LE(TransportProbeOffset.clientSendTsUs),
  };
}

/** Encodes TRANSPORT_PROBE metadata (16 bytes). */
export function encodeTransportProbe(m: TransportProbeMetadata): Buffer {
  const out = Buffer.alloc(TRANSPORT_PROBE_METADATA_LEN);
  out.writeUInt32LE(m.probeId, TransportProbeOffset.probeId);
  out.writeUInt32LE(m.probePayloadBytes, TransportProbeOffset.probePayloadBytes);
  out.writeBigUInt64LE(m.clientSendTsUs, TransportProbeOffset.clientSendTsUs);
  return out;
}

/** The Python server's rule: the probe body is exactly `probe_payload_bytes` long. */
export function validateTransportProbeBody(m: TransportProbeMetadata, body: Buffer): void {
  if (body.length !== m.probePayloadBytes) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      'transport_probe.body',
      `TRANSPORT_PROBE body of ${body.length} bytes does not match probe_payload_bytes ${m.probePayloadBytes}`,
    );
  }
}
