import {
  Equals,
  IsIn,
  IsInt,
  Max,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { PayloadKind, TensorDtype, TensorLayout } from '@nest-nnrp/protocol';
import { paddedTileElements, RGB_SECTION_ROLE } from './upscale-wire';

/** Largest tile side the service accepts. */
export const MAX_TILE_SIZE = 256;
/** Most tiles one frame may carry (u16 tile ids leave room; the budget does not). */
export const MAX_TILES_PER_FRAME = 1024;

@ValidatorConstraint({ name: 'paddedTileElements' })
class PaddedTileElementsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const shape = args.object as UpscaleFrameShape;
    return value === paddedTileElements(shape.tileWidth);
  }

  defaultMessage(args: ValidationArguments): string {
    const shape = args.object as UpscaleFrameShape;
    return `elementCountPerTile must be ${paddedTileElements(shape.tileWidth)} for ${shape.tileWidth}px tiles with padding`;
  }
}

@ValidatorConstraint({ name: 'squareTile' })
class SquareTileConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return value === (args.object as UpscaleFrameShape).tileWidth;
  }

  defaultMessage(): string {
    return 'tiles must be square (tileHeight = tileWidth)';
  }
}

/**
 * What the service requires of a FRAME_SUBMIT and its tensor section (see upscale-wire.ts),
 * checked with class-validator: a frame that fails is dropped, the session goes on.
 */
export class UpscaleFrameShape {
  @IsIn([PayloadKind.Tensor])
  payloadKindBitmap!: number;

  @IsInt()
  @Min(8)
  @Max(MAX_TILE_SIZE)
  tileWidth!: number;

  @Validate(SquareTileConstraint)
  tileHeight!: number;

  @IsInt()
  @Min(1)
  @Max(MAX_TILES_PER_FRAME)
  tileCount!: number;

  @Equals(1)
  sectionCount!: number;

  @Equals(RGB_SECTION_ROLE)
  roleId!: number;

  @Equals(TensorDtype.Uint8)
  dtypeId!: number;

  @Equals(TensorLayout.Nhwc)
  layoutId!: number;

  @Validate(PaddedTileElementsConstraint)
  elementCountPerTile!: number;

  /** Every tile payload must be exactly one padded tile. */
  @Equals(true, { message: 'every tile payload must hold exactly elementCountPerTile bytes' })
  tilesComplete!: boolean;
}
