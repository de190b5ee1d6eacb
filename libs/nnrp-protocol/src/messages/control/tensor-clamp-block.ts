import { requireBlockLength } from './block-length';

/** Length of the tensor clamp block, the one standard profile patch (ack) block (§4.6, §4.7). */
export const TENSOR_CLAMP_BLOCK_LEN = 16;

/** Byte offsets of the tensor clamp block (4 × u32). */
export const TensorClampBlockOffset = {
  minWidth: 0,
  minHeight: 4,
  maxWidth: 8,
  maxHeight: 12,
} as const;

/**
 * The tensor clamp block: the body of SESSION_PATCH (requested clamp, `profile_patch_bytes` =
 * 16) and of SESSION_PATCH_ACK (effective clamp, `profile_patch_ack_bytes` = 16) [PY].
 */
export interface TensorClampBlock {
  minWidth: number;
  minHeight: number;
  maxWidth: number;
  maxHeight: number;
}

/** Decodes a tensor clamp block; the block must be exactly 16 bytes. */
export function decodeTensorClampBlock(src: Buffer): TensorClampBlock {
  requireBlockLength(src, TENSOR_CLAMP_BLOCK_LEN, 'tensor_clamp_block');
  return {
    minWidth: src.readUInt32LE(TensorClampBlockOffset.minWidth),
    minHeight: src.readUInt32LE(TensorClampBlockOffset.minHeight),
    maxWidth: src.readUInt32LE(TensorClampBlockOffset.maxWidth),
    maxHeight: src.readUInt32LE(TensorClampBlockOffset.maxHeight),
  };
}

/** Encodes a tensor clamp block (16 bytes). */
export function encodeTensorClampBlock(m: TensorClampBlock): Buffer {
  const out = Buffer.alloc(TENSOR_CLAMP_BLOCK_LEN);
  out.writeUInt32LE(m.minWidth, TensorClampBlockOffset.minWidth);
  out.writeUInt32LE(m.minHeight, TensorClampBlockOffset.minHeight);
  out.writeUInt32LE(m.maxWidth, TensorClampBlockOffset.maxWidth);
  out.writeUInt32LE(m.maxHeight, TensorClampBlockOffset.maxHeight);
  return out;
}
