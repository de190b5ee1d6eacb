import { NnrpErrorKind } from '../errors/nnrp-error-kind';
import { NnrpProtocolError } from '../errors/nnrp-protocol-error';
import { requireRule } from '../metadata/field-checks';
import { alignUp, requireExactLength, requireZeroBytes, viewAt } from './body-bounds';
import { type BodyRegions, splitBodyRegions } from './body-region-prelude';
import { InlineObjectKind, walkInlineObjects } from './inline-object-block';
import type { ObjectReferenceBlock } from './object-reference-block';
import { decodeObjectReferenceRegion, validateSubmitMask } from './object-reference-region';
import { parseTensorSectionTable, type TensorSectionView } from './tensor-section';
import { decodeTileIndex, resultTileIndexMode, type TileIds } from './tile-index';
import { parseTypedPayloadRegion, type TypedPayloadFrameView } from './typed-payload-region';
import { PayloadKind } from '../messages/data/payload-kind';
import { SubmitMode } from '../messages/data/submit-vocabulary';

/** The two tensor body layouts of decisions §4. */
export type TensorBodyLayout = 'legacy' | 'composed';

/** The FRAME_SUBMIT metadata fields that pick the tensor body layout (decisions §4). */
export interface TensorLayoutShape {
  payloadKindBitmap: number;
  submitMode: number;
  payloadFrameCount: number;
  objectRefMask: number;
}

/** The FRAME_SUBMIT metadata fields a tensor body view reads (any `FrameSubmitMetadata` fits). */
export interface TensorSubmitShape extends TensorLayoutShape {
  tileCount: number;
  sectionCount: number;
  tileIndexMode: number;
  tileBaseId: number;
  cameraBytes: number;
  tileIndexBytes: number;
}

/** The RESULT_PUSH metadata fields a tensor body view reads (any `ResultPushMetadata` fits). */
export interface TensorResultShape {
  payloadKindBitmap: number;
  payloadFrameCount: number;
  tileCount: number;
  sectionCount: number;
  tileBaseId: number;
  tileIndexBytes: number;
}

/**
 * Looks up the bytes of a referenced object (a tile index or section table sent by reference,
 * §2.8) in the caller's cache; undefined = not cached.
 */
export type TensorObjectResolver = (reference: ObjectReferenceBlock) => Buffer | undefined;

/**
 * The layout rule of decisions §4: *legacy* exactly when the submit is tensor-only
 * (`payload_kind_bitmap` 0x1), inline, with no typed payloads and no object references;
 * *composed* otherwise. A result is encoded in the layout its submit used.
 */
export function selectTensorBodyLayout(submit: TensorLayoutShape): TensorBodyLayout {
  const legacy =
    submit.payloadKindBitmap === PayloadKind.Tensor &&
    submit.submitMode === SubmitMode.Inline &&
    submit.payloadFrameCount === 0 &&
    submit.objectRefMask === 0;
  return legacy ? 'legacy' : 'composed';
}

// A submit or a result, normalised: a result has no camera, no tile_index_mode (§3.1) and no
// object_ref_mask.
interface BodyShape extends TensorSubmitShape {
  role: 'submit' | 'result';
}

// A slot's bytes, or the reference block standing in for them.
type SlotContent = Buffer | ObjectReferenceBlock;

interface TensorParts {
  camera: SlotContent;
  tileIndex: SlotContent;
  sectionTable: SlotContent;
  references: readonly ObjectReferenceBlock[];
  regions?: BodyRegions;
}

const UNRESOLVED_RULE = 'object reference must resolve from cache';

/**
 * A lazy, zero-copy view of a tensor body (§2.10, decisions §4). Nothing is parsed until a
 * property is read, and each part is parsed once; every Buffer it returns points into the
 * body. A malformed body throws NnrpProtocolError from the property that needed the bad bytes
 * (`validate()` reads them all): a frame-level error for the caller (decisions §16).
 */
export class TensorBodyView {
  private partsCache?: TensorParts;
  private tileIdsCache?: TileIds;
  private sectionsCache?: readonly TensorSectionView[];
  private typedPayloadsCache?: readonly TypedPayloadFrameView[];

  private constructor(
    /** The body this view reads. */
    readonly body: Buffer,
    /** Which layout the body is read as. */
    readonly layout: TensorBodyLayout,
    private readonly shape: BodyShape,
    private readonly resolve?: TensorObjectResolver,
  ) {}

  /** Views a FRAME_SUBMIT body; the layout follows {@link selectTensorBodyLayout}. */
  static ofSubmit(
    metadata: TensorSubmitShape,
    body: Buffer,
    resolve?: TensorObjectResolver,
  ): TensorBodyView {
    const shape: BodyShape = { ...pickSubmitShape(metadata), role: 'submit' };
    return new TensorBodyView(body, selectTensorBodyLayout(metadata), shape, resolve);
  }

  /** Views a RESULT_PUSH body, in the layout its submit used. */
  static ofResult(
    metadata: TensorResultShape,
    body: Buffer,
    layout: TensorBodyLayout,
    resolve?: TensorObjectResolver,
  ): TensorBodyView {
    const shape: BodyShape = {
      payloadKindBitmap: metadata.payloadKindBitmap,
      payloadFrameCount: metadata.payloadFrameCount,
      tileCount: metadata.tileCount,
      sectionCount: metadata.sectionCount,
      tileBaseId: metadata.tileBaseId,
      tileIndexBytes: metadata.tileIndexBytes,
      tileIndexMode: resultTileIndexMode(metadata.tileIndexBytes),
      submitMode: SubmitMode.Inline,
      objectRefMask: 0,
      cameraBytes: 0,
      role: 'result',
    };
    return new TensorBodyView(body, layout, shape, resolve);
  }

  /** The composed body's six regions; undefined for the legacy layout. */
  get regions(): BodyRegions | undefined {
    return this.parts().regions;
  }

  /** The object reference blocks (composed submits: validated against `object_ref_mask`). */
  get objectReferences(): readonly ObjectReferenceBlock[] {
    return this.parts().references;
  }

  /** The camera block (empty for results and camera-less submits). */
  get cameraBlock(): Buffer {
    return this.content(this.parts().camera);
  }

  /** The tile-index block, encoded per `tile_index_mode`. */
  get tileIndexBlock(): Buffer {
    return this.content(this.parts().tileIndex);
  }

  /** The tile ids, in payload order. */
  get tileIds(): TileIds {
    this.tileIdsCache ??= decodeTileIndex(
      this.shape.tileIndexMode,
      this.tileIndexBlock,
      this.shape.tileCount,
      this.shape.tileBaseId,
    );
    return this.tileIdsCache;
  }

  /** The tensor sections, in role order. */
  get sections(): readonly TensorSectionView[] {
    this.sectionsCache ??= parseTensorSectionTable(
      this.content(this.parts().sectionTable),
      this.shape.sectionCount,
      this.shape.tileCount,
    );
    return this.sectionsCache;
  }

  /** The typed payload frames beside the tensor (composed only; §2.9 rules applied). */
  get typedPayloads(): readonly TypedPayloadFrameView[] {
    const regions = this.parts().regions;
    this.typedPayloadsCache ??=
      regions === undefined
        ? []
        : parseTypedPayloadRegion(
            this.shape.payloadKindBitmap,
            this.shape.payloadFrameCount,
            regions.typedPayloadDescriptors,
            regions.typedPayloadFrames,
          );
    return this.typedPayloadsCache;
  }

  /** Parses every part now (referenced parts need the resolver); returns this view. */
  validate(): this {
    void this.cameraBlock;
    void this.tileIds;
    void this.sections;
    void this.typedPayloads;
    return this;
  }

  private parts(): TensorParts {
    this.partsCache ??= this.layout === 'legacy' ? this.legacyParts() : this.composedParts();
    return this.partsCache;
  }

  private content(slot: SlotContent): Buffer {
    if (Buffer.isBuffer(slot)) {
      return slot;
    }
    const resolved = this.resolve?.(slot);
    if (resolved === undefined) {
      throw new NnrpProtocolError(NnrpErrorKind.InvalidProtocolCombination, UNRESOLVED_RULE);
    }
    return resolved;
  }

  // decisions §4: camera ‖ pad8 ‖ tile index ‖ (sections > 0: pad8 ‖ sections); offsets are
  // from the body start, and nothing follows the last part.
  private legacyParts(): TensorParts {
    const { body, shape } = this;
    requireRule(shape.payloadFrameCount === 0, 'legacy tensor body carries no typed payloads');
    const camera = viewAt(body, 0, shape.cameraBytes, 'camera_bytes');
    const tileIndexAt = this.skipPadding(shape.cameraBytes, 'camera_block.padding');
    const tileIndex = viewAt(body, tileIndexAt, shape.tileIndexBytes, 'tile_index_bytes');
    const tileIndexEnd = tileIndexAt + shape.tileIndexBytes;
    if (shape.sectionCount === 0) {
      requireExactLength(body.length, tileIndexEnd, 'tensor_body');
      return { camera, tileIndex, sectionTable: body.subarray(0, 0), references: [] };
    }
    const tableAt = this.skipPadding(tileIndexEnd, 'tile_index.padding');
    return { camera, tileIndex, sectionTable: body.subarray(tableAt), references: [] };
  }

  private skipPadding(at: number, field: string): number {
    const next = alignUp(at);
    viewAt(this.body, at, next - at, field);
    requireZeroBytes(this.body, at, next, field);
    return next;
  }

  // §2.10: standard inline objects in camera, tile index, section table order, at most one
  // of each; a slot sent by reference is not inline and declares 0 bytes.
  private composedParts(): TensorParts {
    const { shape } = this;
    const regions = splitBodyRegions(this.body);
    const references =
      shape.role === 'submit'
        ? validateSubmitMask(regions.objectReferences, shape.submitMode, shape.objectRefMask)
        : decodeObjectReferenceRegion(regions.objectReferences);
    const inline = new Map<number, Buffer>();
    let lastKind = 0;
    for (const object of walkInlineObjects(regions.inlineObjects)) {
      if (object.objectKind > InlineObjectKind.TensorSectionTable) {
        continue;
      }
      requireRule(
        object.objectKind > lastKind,
        'tensor inline objects must appear once each, in camera, tile index, section table order',
      );
      lastKind = object.objectKind;
      inline.set(object.objectKind, object.payload);
    }
    requireRule(
      shape.role === 'submit' || !inline.has(InlineObjectKind.CameraBlock),
      'RESULT_PUSH tensor body carries no camera block',
    );
    const empty = this.body.subarray(0, 0);
    const slot = (
      kind: InlineObjectKind,
      declared: number | undefined,
      field: string,
    ): SlotContent => {
      const reference = references.find((r) => r.objectKind === kind);
      const found = inline.get(kind);
      if (reference !== undefined) {
        requireRule(found === undefined, 'a slot sent by reference must not also be sent inline');
        requireRule(!declared, 'a slot sent by reference must declare 0 inline bytes');
        return reference;
      }
      if (declared !== undefined) {
        requireExactLength(found?.length ?? 0, declared, field);
      }
      return found ?? empty;
    };
    const tileIndex = slot(
      InlineObjectKind.TileIndexBlock,
      shape.tileIndexBytes,
      'tile_index_bytes',
    );
    requireRule(
      shape.tileCount === 0 ||
        !Buffer.isBuffer(tileIndex) ||
        inline.has(InlineObjectKind.TileIndexBlock),
      'a tensor body with tiles must carry a TILE_INDEX_BLOCK',
    );
    return {
      camera: slot(InlineObjectKind.CameraBlock, shape.cameraBytes, 'camera_bytes'),
      tileIndex,
      sectionTable: slot(InlineObjectKind.TensorSectionTable, undefined, 'tensor_section_table'),
      references,
      regions,
    };
  }
}

// Copies just the fields the view reads, so it neither keeps the caller's metadata object alive
// nor sees later changes to it.
function pickSubmitShape(m: TensorSubmitShape): TensorSubmitShape {
  return {
    payloadKindBitmap: m.payloadKindBitmap,
    submitMode: m.submitMode,
    payloadFrameCount: m.payloadFrameCount,
    objectRefMask: m.objectRefMask,
    tileCount: m.tileCount,
    sectionCount: m.sectionCount,
    tileIndexMode: m.tileIndexMode,
    tileBaseId: m.tileBaseId,
    cameraBytes: m.cameraBytes,
    tileIndexBytes: m.tileIndexBytes,
  };
}
