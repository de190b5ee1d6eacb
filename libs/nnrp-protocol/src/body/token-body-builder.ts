import type { BodyContent } from './body-composer';
import { TOKEN_DELTA_BINDING } from './token-chunks';
import { buildTypedPayloadBody, type TypedPayloadBodyBuild } from './typed-payload-body-builder';
import { TypedPayloadDescriptorFlag } from './typed-payload-descriptor';
import { PayloadKind } from '../messages/data/payload-kind';

/**
 * One token chunk to send: UTF-8 `text` or raw `bytes`. Without `partial`/`terminal`, the last
 * chunk is terminal and the others partial (§2.11); set them to say otherwise (a streaming
 * handler's intermediate push is all partial).
 */
export type TokenChunkInput = (
  { text: string; bytes?: never } | { bytes: Uint8Array; text?: never }
) & {
  partial?: boolean;
  terminal?: boolean;
};

// UTF-8 text written straight into the body: no intermediate Buffer per chunk.
function textContent(text: string): BodyContent {
  return {
    byteLength: Buffer.byteLength(text, 'utf8'),
    write: (target, at) => {
      target.write(text, at, 'utf8');
    },
  };
}

function chunkFlags(chunk: TokenChunkInput, isLast: boolean): number {
  if (chunk.partial === undefined && chunk.terminal === undefined) {
    return isLast ? TypedPayloadDescriptorFlag.Terminal : TypedPayloadDescriptorFlag.Partial;
  }
  return (
    (chunk.terminal === true ? TypedPayloadDescriptorFlag.Terminal : 0) |
    (chunk.partial === true ? TypedPayloadDescriptorFlag.Partial : 0)
  );
}

/**
 * Builds a token-profile body in one allocation (§2.11): prelude ‖ one token-delta descriptor
 * per chunk ‖ chunk bytes. Returns the `payload_frame_count` and `payload_kind_bitmap` (0x2)
 * the packet's metadata must carry. One partial "hello" gives the §15 worked-example bytes.
 */
export function buildTokenBody(chunks: readonly TokenChunkInput[]): TypedPayloadBodyBuild {
  return buildTypedPayloadBody({
    payloadKindBitmap: PayloadKind.TokenChunk,
    frames: chunks.map((chunk, i) => ({
      ...TOKEN_DELTA_BINDING,
      descriptorFlags: chunkFlags(chunk, i === chunks.length - 1),
      payload: chunk.bytes ?? textContent(chunk.text ?? ''),
    })),
  });
}
