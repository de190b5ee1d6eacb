export { hex, expectProtocolError } from '../support/protocol-assertions';

/** True when `view` shares memory with `body` and lies inside it (a zero-copy view). */
export function isViewInto(view: ArrayBufferView, body: Buffer): boolean {
  return (
    view.buffer === body.buffer &&
    view.byteOffset >= body.byteOffset &&
    view.byteOffset + view.byteLength <= body.byteOffset + body.byteLength
  );
}

/** Metadata values the body code reads (mirrors §10.1/§10.3/§10.4). */
export const PayloadKindBits = { Tensor: 0x1, TokenChunk: 0x2, AudioChunk: 0x4 } as const;
export const SubmitModes = { Inline: 0, Reference: 1, Mixed: 2 } as const;
export const TileModes = { DenseRange: 0, RawU16: 1, DeltaU16: 2, Bitset: 3 } as const;
