import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import {
  requireEnum,
  requireLength,
  requireMask,
  requireRule,
  requireZero,
} from '../metadata/field-checks';
import { alignUp, requireExactLength, requireZeroBytes, viewAt } from './body-bounds';

/** Length of a TensorSectionDesc (data-plane.md §2.10). */
export const TENSOR_SECTION_DESC_LEN = 32;

/** Bytes per length-table entry: one u32 byte length per tile (§2.10). */
export const TENSOR_TILE_LENGTH_BYTES = 4;

/** Byte offsets of TensorSectionDesc fields (data-plane.md §2.10). */
export const TensorSectionDescOffset = {
  roleId: 0,
  codecId: 2,
  dtypeId: 3,
  layoutId: 4,
  scalePolicy: 5,
  flags: 6,
  elementCountPerTile: 8,
  codecTableBytes: 12,
  lengthTableBytes: 16,
  payloadBytes: 20,
  payloadStrideBytes: 24,
  reserved: 28,
} as const;

/** Section `flags` (§10.10): MIXED_CODEC ⇔ codec table present, FIXED_STRIDE ⇔ stride ≠ 0. */
export enum TensorSectionFlag {
  MixedCodec = 0x1,
  FixedStride = 0x2,
}

/** Every defined section flag bit. */
export const TENSOR_SECTION_FLAGS_MASK = 0x0003;

/** `dtype_id` (§10.10, Python convention). */
export enum TensorDtype {
  Fp16 = 0,
  Fp32 = 1,
  Fp8E4m3 = 2,
  Fp8E5m2 = 3,
  Int8 = 4,
  Uint8 = 5,
  Int16 = 6,
  Uint16 = 7,
}

/** `layout_id` (§10.10). */
export enum TensorLayout {
  Nhwc = 0,
  Nchw = 1,
}

/** `scale_policy` (§10.10). */
export enum TensorScalePolicy {
  None = 0,
  Linear = 1,
  ZeroPoint = 2,
}

/** A TensorSectionDesc (reserved is 0 and not carried). */
export interface TensorSectionDesc {
  /** Semantic id; strictly increasing across a section table. */
  roleId: number;
  /** Default codec of every tile (u8). */
  codecId: number;
  dtypeId: TensorDtype;
  layoutId: TensorLayout;
  scalePolicy: TensorScalePolicy;
  /** {@link TensorSectionFlag} bits. */
  flags: number;
  elementCountPerTile: number;
  /** 0, or tile_count (one u8 codec id per tile). */
  codecTableBytes: number;
  /** tile_count × 4. */
  lengthTableBytes: number;
  /** Blob length: Σ tile lengths, or stride × tile_count with FIXED_STRIDE. */
  payloadBytes: number;
  /** 0 = variable; else the fixed slot size of every tile. */
  payloadStrideBytes: number;
}

/** Refuses a flag outside the mask or an unknown dtype/layout/scale value (§10.10). */
export function requireTensorSectionVocabulary(d: TensorSectionDesc): void {
  requireMask(d.flags, TENSOR_SECTION_FLAGS_MASK, 'tensor_section.flags');
  requireEnum(d.dtypeId, TensorDtype.Fp16, TensorDtype.Uint16, 'tensor_dtype');
  requireEnum(d.layoutId, TensorLayout.Nhwc, TensorLayout.Nchw, 'tensor_layout');
  requireEnum(
    d.scalePolicy,
    TensorScalePolicy.None,
    TensorScalePolicy.ZeroPoint,
    'tensor_scale_policy',
  );
}

/** Decodes a section descriptor: length ≥ 32, reserved, then flags and enums. */
export function decodeTensorSectionDesc(src: Buffer): TensorSectionDesc {
  requireLength(src, TENSOR_SECTION_DESC_LEN, 'tensor_section');
  requireZero(src.readUInt32LE(TensorSectionDescOffset.reserved), 'tensor_section.reserved');
  const desc: TensorSectionDesc = {
    roleId: src.readUInt16LE(TensorSectionDescOffset.roleId),
    codecId: src[TensorSectionDescOffset.codecId],
    dtypeId: src[TensorSectionDescOffset.dtypeId],
    layoutId: src[TensorSectionDescOffset.layoutId],
    scalePolicy: src[TensorSectionDescOffset.scalePolicy],
    flags: src.readUInt16LE(TensorSectionDescOffset.flags),
    elementCountPerTile: src.readUInt32LE(TensorSectionDescOffset.elementCountPerTile),
    codecTableBytes: src.readUInt32LE(TensorSectionDescOffset.codecTableBytes),
    lengthTableBytes: src.readUInt32LE(TensorSectionDescOffset.lengthTableBytes),
    payloadBytes: src.readUInt32LE(TensorSectionDescOffset.payloadBytes),
    payloadStrideBytes: src.readUInt32LE(TensorSectionDescOffset.payloadStrideBytes),
  };
  requireTensorSectionVocabulary(desc);
  return desc;
}

/** Writes a section descriptor (all 32 bytes, reserved zero) into `target` at `at`. */
export function writeTensorSectionDesc(d: TensorSectionDesc, target: Buffer, at: number): void {
  requireTensorSectionVocabulary(d);
  target.fill(0, at, at + TENSOR_SECTION_DESC_LEN);
  target.writeUInt16LE(d.roleId, at + TensorSectionDescOffset.roleId);
  target[at + TensorSectionDescOffset.codecId] = d.codecId;
  target[at + TensorSectionDescOffset.dtypeId] = d.dtypeId;
  target[at + TensorSectionDescOffset.layoutId] = d.layoutId;
  target[at + TensorSectionDescOffset.scalePolicy] = d.scalePolicy;
  target.writeUInt16LE(d.flags, at + TensorSectionDescOffset.flags);
  target.writeUInt32LE(d.elementCountPerTile, at + TensorSectionDescOffset.elementCountPerTile);
  target.writeUInt32LE(d.codecTableBytes, at + TensorSectionDescOffset.codecTableBytes);
  target.writeUInt32LE(d.lengthTableBytes, at + TensorSectionDescOffset.lengthTableBytes);
  target.writeUInt32LE(d.payloadBytes, at + TensorSectionDescOffset.payloadBytes);
  target.writeUInt32LE(d.payloadStrideBytes, at + TensorSectionDescOffset.payloadStrideBytes);
}

/**
 * The §2.10 consistency rules between a descriptor and `tileCount`; shared by the reader and
 * the writer so both sides refuse the same things.
 */
export function requireTensorSectionShape(d: TensorSectionDesc, tileCount: number): void {
  requireRule(
    d.codecTableBytes === 0 || d.codecTableBytes === tileCount,
    'codec_table_bytes must be 0 or tile_count',
  );
  requireRule(
    ((d.flags & TensorSectionFlag.MixedCodec) !== 0) === (d.codecTableBytes !== 0),
    'MIXED_CODEC must be set exactly when the codec table is non-empty',
  );
  requireRule(
    ((d.flags & TensorSectionFlag.FixedStride) !== 0) === (d.payloadStrideBytes !== 0),
    'FIXED_STRIDE must be set exactly when payload_stride_bytes is non-zero',
  );
  requireExactLength(
    d.lengthTableBytes,
    tileCount * TENSOR_TILE_LENGTH_BYTES,
    'tensor_section.length_table_bytes',
  );
}

/**
 * One tensor section: its descriptor and zero-copy views of its codec table, length table and
 * blob. Built by {@link parseTensorSectionTable}, which has checked every length.
 */
export class TensorSectionView {
  /** Tile payload start offsets inside {@link TensorSectionView.blob}. */
  private readonly starts: Float64Array;

  constructor(
    readonly desc: TensorSectionDesc,
    readonly codecTable: Buffer,
    readonly lengthTable: Buffer,
    readonly blob: Buffer,
  ) {
    const tileCount = lengthTable.length / TENSOR_TILE_LENGTH_BYTES;
    const stride = desc.payloadStrideBytes;
    this.starts = new Float64Array(tileCount);
    let total = 0;
    for (let i = 0; i < tileCount; i += 1) {
      this.starts[i] = stride === 0 ? total : i * stride;
      total += this.tileLength(i);
    }
    requireExactLength(
      blob.length,
      stride === 0 ? total : stride * tileCount,
      'tensor_section.payload_bytes',
    );
    // With FIXED_STRIDE each tile owns a whole slot, zero-padded after its bytes (§2.10).
    for (let i = 0; stride !== 0 && i < tileCount; i += 1) {
      const length = this.tileLength(i);
      requireRule(
        length <= stride,
        'fixed-stride tile length must not exceed payload_stride_bytes',
      );
      requireZeroBytes(
        blob,
        i * stride + length,
        (i + 1) * stride,
        'tensor_section.stride_padding',
      );
    }
  }

  /** Tiles in this section (= tile_count of the body). */
  get tileCount(): number {
    return this.starts.length;
  }

  /** Byte length of tile `i`'s payload (from the length table). */
  tileLength(i: number): number {
    return this.lengthTable.readUInt32LE(this.tileIndex(i) * TENSOR_TILE_LENGTH_BYTES);
  }

  /** Codec of tile `i`: its codec-table entry, or the section default without MIXED_CODEC. */
  tileCodec(i: number): number {
    const index = this.tileIndex(i);
    return this.codecTable.length === 0 ? this.desc.codecId : this.codecTable[index];
  }

  /** Tile `i`'s payload bytes: a view into the body, never a copy. */
  tilePayload(i: number): Buffer {
    const start = this.starts[this.tileIndex(i)];
    return this.blob.subarray(start, start + this.tileLength(i));
  }

  /** Every tile payload in tile-index order (views). */
  tilePayloads(): Buffer[] {
    return Array.from({ length: this.tileCount }, (_, i) => this.tilePayload(i));
  }

  private tileIndex(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.lengthTable.length / TENSOR_TILE_LENGTH_BYTES) {
      throw new RangeError(`tile ${i} is outside the section's ${this.tileCount} tiles`);
    }
    return i;
  }
}

/**
 * Walks a TENSOR_SECTION_TABLE (§2.10): `sectionCount` sections, each on an 8-byte boundary
 * relative to the table start (zero padding between, none after the last), strictly
 * increasing role_id, each with exactly `tileCount` tiles; the sections cover the table exactly.
 */
export function parseTensorSectionTable(
  table: Buffer,
  sectionCount: number,
  tileCount: number,
): TensorSectionView[] {
  // Every section needs at least its descriptor and length table: refuse lying counts before
  // doing per-section work.
  const minimum = sectionCount * (TENSOR_SECTION_DESC_LEN + tileCount * TENSOR_TILE_LENGTH_BYTES);
  if (minimum > table.length) {
    throw new NnrpProtocolError(
      NnrpErrorKind.TooShort,
      'tensor_section_table',
      `tensor_section_table: ${sectionCount} sections of ${tileCount} tiles need at least ${minimum} bytes, got ${table.length}`,
    );
  }
  const sections: TensorSectionView[] = [];
  let at = 0;
  for (let s = 0; s < sectionCount; s += 1) {
    const start = s === 0 ? 0 : alignUp(at);
    viewAt(table, at, start - at, 'tensor_section.padding');
    requireZeroBytes(table, at, start, 'tensor_section.padding');
    const desc = decodeTensorSectionDesc(
      viewAt(table, start, TENSOR_SECTION_DESC_LEN, 'tensor_section'),
    );
    const previous = sections[s - 1];
    requireRule(
      previous === undefined || desc.roleId > previous.desc.roleId,
      'tensor sections must have strictly increasing role_id',
    );
    requireTensorSectionShape(desc, tileCount);
    const codecAt = start + TENSOR_SECTION_DESC_LEN;
    const codecTable = viewAt(
      table,
      codecAt,
      desc.codecTableBytes,
      'tensor_section.codec_table_bytes',
    );
    const lengthAt = codecAt + desc.codecTableBytes;
    const lengthTable = viewAt(
      table,
      lengthAt,
      desc.lengthTableBytes,
      'tensor_section.length_table_bytes',
    );
    const blobAt = lengthAt + desc.lengthTableBytes;
    const blob = viewAt(table, blobAt, desc.payloadBytes, 'tensor_section.payload_bytes');
    sections.push(new TensorSectionView(desc, codecTable, lengthTable, blob));
    at = blobAt + desc.payloadBytes;
  }
  requireExactLength(table.length, at, 'tensor_section_table');
  return sections;
}
