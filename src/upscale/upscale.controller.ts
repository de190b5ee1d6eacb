import { Controller, Inject, UseGuards } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { plainToInstance } from 'class-transformer';
import { validateOrReject } from 'class-validator';
import {
  NnrpAuthGuard,
  NnrpContext,
  NnrpDrop,
  NnrpResult,
  NnrpSessionOpen,
  NnrpSubmit,
} from '@nest-nnrp/nest';
import { PayloadKind, ProfileId, TensorBodyView } from '@nest-nnrp/protocol';
import { Observable } from 'rxjs';
import { SERVICE_CONFIG, ServiceConfig } from '../config/service-config';
import { cropPadding } from '../image/tiling';
import { EsrganModel } from '../model';
import { UpscaleFrameShape } from './upscale-frame-shape';
import { UpscaleModels } from './upscale-models';
import { encodeUpscaleResult, SCALE_ROUTES, TILE_PADDING } from './upscale-wire';

/**
 * The super-resolution service: each FRAME_SUBMIT carries padded RGB tiles, each answer the
 * upscaled tiles. The scale comes from the header `route_id` (the transport maps it to a model
 * name). Frames with more tiles than a batch stream partial results (decisions.md §12).
 */
@Controller()
export class UpscaleController {
  constructor(
    private readonly models: UpscaleModels,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /** Both handshakes pass the auth policy (HMAC tokens when NNRP_AUTH_SECRET is set). */
  @NnrpSessionOpen()
  @UseGuards(NnrpAuthGuard)
  open(): boolean {
    return true;
  }

  @NnrpSubmit({ profile: 'tensor', model: SCALE_ROUTES[2] })
  upscale2x(@Payload() _body: Buffer, @Ctx() ctx: NnrpContext): Promise<Observable<NnrpResult>> {
    return this.upscale(2, ctx);
  }

  @NnrpSubmit({ profile: 'tensor', model: SCALE_ROUTES[4] })
  upscale4x(@Payload() _body: Buffer, @Ctx() ctx: NnrpContext): Promise<Observable<NnrpResult>> {
    return this.upscale(4, ctx);
  }

  private async upscale(scale: number, ctx: NnrpContext): Promise<Observable<NnrpResult>> {
    const model = this.models.forScale(scale);
    if (!model) throw new NnrpDrop('no-handler', `scale ${scale} is not loaded`);
    const view = ctx.tensor();
    await validateShape(ctx, view);
    const section = view.sections[0];
    const tileSize = ctx.submit!.tileWidth;
    const ids = [...view.tileIds];
    const tiles = ids.map((_, i) => section.tilePayload(i));
    return this.stream(model, scale, tileSize, ids, tiles, view, ctx);
  }

  /** One result per batch of tiles; all but the last are partial (the transport marks them). */
  private stream(
    model: EsrganModel,
    scale: number,
    tileSize: number,
    ids: number[],
    tiles: Buffer[],
    view: TensorBodyView,
    ctx: NnrpContext,
  ): Observable<NnrpResult> {
    const batch = this.config.partialBatchTiles;
    const side = tileSize + 2 * TILE_PADDING;
    return new Observable<NnrpResult>((subscriber) => {
      void (async () => {
        for (let start = 0; start < ids.length; start += batch) {
          // A dropped frame (deadline, cancel) stops computing at the next batch.
          if (ctx.signal.aborted) return;
          const inputs = tiles
            .slice(start, start + batch)
            .map((data) => ({ width: side, height: side, data }));
          const outputs = await model.upscaleBatch(inputs);
          // Inference blocks the event loop, so the deadline timer has not run yet: check it here.
          if (ctx.signal.aborted || ctx.remainingMs <= 0) return;
          const cropped = outputs.map((o) => cropPadding(o.data, tileSize, TILE_PADDING, scale));
          const encoded = encodeUpscaleResult(
            view.layout,
            ids.slice(start, start + batch),
            cropped,
            tileSize,
            scale,
          );
          subscriber.next({
            ...encoded,
            coveredTileCount: encoded.tileCount,
            payloadKindBitmap: PayloadKind.Tensor,
            activeProfileId: ProfileId.Tensor,
          });
        }
        subscriber.complete();
      })().catch((error: unknown) => subscriber.error(error));
    });
  }
}

/** Checks the submit against {@link UpscaleFrameShape}; throws (→ RESULT_DROP) on a bad shape. */
async function validateShape(ctx: NnrpContext, view: TensorBodyView): Promise<void> {
  const submit = ctx.submit!;
  const section = view.sections[0];
  const shape = plainToInstance(UpscaleFrameShape, {
    payloadKindBitmap: submit.payloadKindBitmap,
    tileWidth: submit.tileWidth,
    tileHeight: submit.tileHeight,
    tileCount: submit.tileCount,
    sectionCount: view.sections.length,
    roleId: section?.desc.roleId,
    dtypeId: section?.desc.dtypeId,
    layoutId: section?.desc.layoutId,
    elementCountPerTile: section?.desc.elementCountPerTile,
    tilesComplete:
      section !== undefined &&
      section.tilePayloads().every((tile) => tile.length === section.desc.elementCountPerTile),
  });
  try {
    await validateOrReject(shape);
  } catch (errors) {
    const details = (errors as { toString(): string }[]).map((e) => e.toString()).join('; ');
    throw new NnrpDrop('invalid-body', `bad tile frame: ${details}`);
  }
}
