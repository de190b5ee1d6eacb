import { requireEnum } from '../../metadata/field-checks';
/**
 * `object_kind` of cached objects (data-plane.md §8.1): a u32 in CACHE_* metadata, a u16 in
 * object reference blocks. 0 and ≥ 10 are rejected (`UnknownEnumValue("cache_object_kind")`).
 */
export enum CacheObjectKind {
  CameraBlock = 0x0001,
  TileIndexBlock = 0x0002,
  TensorSectionTable = 0x0003,
  CodecTable = 0x0004,
  ReusableResultObject = 0x0005,
  PayloadLayoutTemplate = 0x0006,
  PromptSegment = 0x0007,
  ToolSchema = 0x0008,
  StructuredEventSchema = 0x0009,
}

/**
 * Refuses a kind outside {@link CacheObjectKind} (`UnknownEnumValue("cache_object_kind")`): 0 and
 * ≥ 10 (data-plane.md §8.1). The kind is a u32 in CACHE_*, a u16 in object reference blocks.
 */
export function requireCacheObjectKind(kind: number): void {
  requireEnum(
    kind,
    CacheObjectKind.CameraBlock,
    CacheObjectKind.StructuredEventSchema,
    'cache_object_kind',
  );
}
