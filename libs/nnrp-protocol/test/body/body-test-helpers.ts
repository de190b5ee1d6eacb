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
export { PayloadKind as PayloadKindBits } from '../../src/messages/data/payload-kind';
export {
  SubmitMode as SubmitModes,
  TileIndexMode as TileModes,
} from '../../src/messages/data/submit-vocabulary';
