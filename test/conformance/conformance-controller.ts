import { Controller, Injectable } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  buildTensorResultBody,
  buildTokenBody,
  buildTypedPayloadBody,
  CacheObjectId,
  SchemaBinding,
  TensorSectionView,
  TypedPayloadDescriptor,
  TypedPayloadFrameView,
} from '@nest-nnrp/protocol';
import {
  NnrpContext,
  NnrpDrop,
  NnrpEngine,
  NnrpResult,
  NnrpResultLike,
  NnrpSessionClose,
  NnrpSubmit,
} from '@nest-nnrp/nest';
import { from, Observable } from 'rxjs';
import { Signals } from './signals';

/** Route ids (header `route_id`) selecting a behaviour of {@link ConformanceController}. */
export const Route = {
  /** Echoes the body with the submit's payload kinds (catch-all). */
  echo: 0,
  /** Parks until the test releases it (or the frame aborts): the test drives its context. */
  park: 1,
  /** Reads the tensor body and answers a tensor result whose tile bytes are incremented. */
  tensor: 2,
  /** Answers the camera block (resolved from the session cache when sent by reference). */
  camera: 3,
  /** Streams the submit's token chunks back upper-cased, one partial per chunk. */
  tokens: 4,
  /** Answers a JSON description of the typed payload frames the context exposes. */
  typed: 5,
  /** Emits `p0`, `p1`, `p2` as partials, then `final`. */
  stream: 6,
  /** Throws: a handler failure. */
  fails: 7,
  /** Looks up the session cache as a {@link CacheReadRequest} in the body says. */
  cacheRead: 8,
  /** Answers typed payloads in the default stream semantics of their schema. */
  schemaStream: 9,
  /** Streams {@link STREAMED_DESCRIPTORS} as typed payload partials and a terminal. */
  typedStream: 10,
  /** Returns `NnrpDrop`. */
  drop: 11,
} as const;

/** The key of a frame in the probe's signals and maps. */
export function frameKey(sessionId: number, frameId: number): string {
  return `${sessionId}/${frameId}`;
}

/** Body of a {@link Route.cacheRead} submit (JSON). */
export interface CacheReadRequest {
  id: CacheObjectId;
  /** Exact object version expected, as a decimal string (u64). */
  version?: string;
  binding?: SchemaBinding;
}

/** What {@link Route.typed} reports for one frame. */
export interface TypedFrameReport {
  descriptor: TypedPayloadDescriptor;
  text: string;
  /** Where the frame's bytes start, counted from the first body byte. */
  bodyOffset: number;
  /** The frame's bytes are a view of the received body, not a copy. */
  sharesBody: boolean;
}

/** The descriptors {@link Route.typedStream} sends: one per partial, the last terminal. */
export const STREAMED_DESCRIPTORS: readonly Omit<TypedPayloadDescriptor, 'offset' | 'length'>[] = [
  { profileId: 0, descriptorFlags: 0x2, schemaId: 0, schemaVersion: 0, streamSemantics: 4 },
  { profileId: 0, descriptorFlags: 0x2 | 0x8, schemaId: 0, schemaVersion: 0, streamSemantics: 4 },
  { profileId: 0, descriptorFlags: 0x1, schemaId: 0, schemaVersion: 0, streamSemantics: 1 },
];

/** payload_kind_bitmap structured_event (data-plane.md §10.1). */
export const STRUCTURED_EVENT = 0x10;

/**
 * What handlers saw and did, for the tests: keyed signals (`sessionId/frameId`) for entry,
 * abort and release, the contexts of parked frames, and per-frame observations.
 */
@Injectable()
export class ConformanceProbe {
  /** The engine under the app (sessions, caches, schemas); set once the app listens. */
  engine!: NnrpEngine;
  readonly invoked: string[] = [];
  readonly entered = new Signals();
  readonly aborted = new Signals();
  /** What a parked frame answers with once released. */
  readonly releases = new Signals<NnrpResultLike | NnrpDrop>();
  /** Session ids whose close the application was told about. */
  readonly closedSessions = new Signals();
  readonly contexts = new Map<string, NnrpContext>();
  readonly observations = new Map<string, unknown>();

  /** The context of a parked frame, once its handler runs. */
  async parked(sessionId: number, frameId: number): Promise<NnrpContext> {
    const key = frameKey(sessionId, frameId);
    await this.entered.wait(key);
    return this.contexts.get(key)!;
  }

  /** Answers a parked frame with `result`. */
  release(
    sessionId: number,
    frameId: number,
    result: NnrpResultLike | NnrpDrop = 'released',
  ): void {
    this.releases.fire(frameKey(sessionId, frameId), result);
  }
}

function keyOf(ctx: NnrpContext): string {
  return frameKey(ctx.session?.id ?? 0, ctx.frameId);
}

/** The section of a tensor result answering `section`: same shape, every tile byte + 1. */
function incremented(section: TensorSectionView) {
  const { desc } = section;
  return {
    roleId: desc.roleId,
    codecId: desc.codecId,
    dtypeId: desc.dtypeId,
    layoutId: desc.layoutId,
    scalePolicy: desc.scalePolicy,
    elementCountPerTile: desc.elementCountPerTile,
    tilePayloads: section.tilePayloads().map((tile) => tile.map((byte) => (byte + 1) & 0xff)),
  };
}

/** One behaviour per route, each as small as the case that needs it. */
@Controller()
export class ConformanceController {
  constructor(private readonly probe: ConformanceProbe) {}

  @NnrpSubmit()
  echo(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): NnrpResult {
    this.probe.invoked.push(keyOf(ctx));
    return { body: Buffer.from(body), payloadKindBitmap: ctx.submit?.payloadKindBitmap ?? 0 };
  }

  @NnrpSubmit({ routeId: Route.park })
  async park(@Ctx() ctx: NnrpContext): Promise<NnrpResultLike | NnrpDrop> {
    const key = keyOf(ctx);
    this.probe.invoked.push(key);
    this.probe.contexts.set(key, ctx);
    const aborted = new Promise<NnrpDrop>((resolve) =>
      ctx.signal.addEventListener('abort', () => {
        this.probe.aborted.fire(key);
        resolve(new NnrpDrop('cancelled'));
      }),
    );
    this.probe.entered.fire(key);
    // Unbounded on purpose: the test releases the frame, or a cancel/close/shutdown aborts it.
    return Promise.race([this.probe.releases.wait(key, 0), aborted]);
  }

  @NnrpSubmit({ routeId: Route.tensor })
  tensor(@Ctx() ctx: NnrpContext): NnrpResult {
    this.probe.invoked.push(keyOf(ctx));
    const view = ctx.tensor();
    const build = buildTensorResultBody({
      layout: view.layout,
      tileIds: [...view.tileIds],
      sections: view.sections.map(incremented),
    });
    return { ...build, coveredTileCount: build.tileCount, droppedTileCount: 0 };
  }

  @NnrpSubmit({ routeId: Route.camera })
  camera(@Ctx() ctx: NnrpContext): NnrpResult {
    this.probe.invoked.push(keyOf(ctx));
    return { body: Buffer.from(ctx.tensor().cameraBlock), payloadKindBitmap: 0x1 };
  }

  @NnrpSubmit({ routeId: Route.tokens })
  tokens(@Ctx() ctx: NnrpContext): Observable<NnrpResult> {
    const chunks = ctx.tokens();
    this.probe.observations.set(
      keyOf(ctx),
      chunks.map((chunk) => ({
        text: chunk.text,
        partial: chunk.isPartial,
        terminal: chunk.isTerminal,
      })),
    );
    // One RESULT_PUSH per chunk (decisions.md §12): every emission but the last is partial.
    return from(
      chunks.map((chunk, i) => {
        const last = i === chunks.length - 1;
        return buildTokenBody([{ text: chunk.text.toUpperCase(), partial: !last, terminal: last }]);
      }),
    );
  }

  @NnrpSubmit({ routeId: Route.typed })
  typed(@Ctx() ctx: NnrpContext): NnrpResult {
    const key = keyOf(ctx);
    this.probe.contexts.set(key, ctx);
    const body = ctx.body;
    const retained = ctx.retainBody();
    this.probe.observations.set(key, retained);
    const frames: TypedPayloadFrameView[] = ctx.typedPayloads();
    const report: TypedFrameReport[] = frames.map(({ descriptor, payload }) => ({
      descriptor,
      text: payload.toString('utf8'),
      bodyOffset: payload.byteOffset - body.byteOffset,
      sharesBody: payload.buffer === body.buffer,
    }));
    return { body: Buffer.from(JSON.stringify(report)), payloadKindBitmap: 0 };
  }

  @NnrpSubmit({ routeId: Route.stream })
  stream(@Ctx() ctx: NnrpContext): Observable<NnrpResult> {
    this.probe.invoked.push(keyOf(ctx));
    const kinds = ctx.submit?.payloadKindBitmap ?? 0;
    return from(
      ['p0', 'p1', 'p2', 'final'].map((text) => ({
        body: Buffer.from(text),
        payloadKindBitmap: kinds,
      })),
    );
  }

  @NnrpSubmit({ routeId: Route.fails })
  fails(@Ctx() ctx: NnrpContext): never {
    this.probe.invoked.push(keyOf(ctx));
    throw new Error('conformance handler failure');
  }

  @NnrpSubmit({ routeId: Route.drop })
  drop(@Ctx() ctx: NnrpContext): NnrpDrop {
    this.probe.invoked.push(keyOf(ctx));
    return new NnrpDrop('application');
  }

  @NnrpSubmit({ routeId: Route.cacheRead })
  cacheRead(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): NnrpResultLike | NnrpDrop {
    const request = JSON.parse(body.toString('utf8')) as CacheReadRequest;
    const cache = this.probe.engine.sessions.get(ctx.session?.id ?? 0)?.cache;
    if (!cache) throw new Error('no session cache');
    const found = cache.resolve(request.id, {
      version: request.version === undefined ? undefined : BigInt(request.version),
      binding: request.binding,
    });
    // The cache code travels with the drop: hello-flow clients hear it as a frame ERROR.
    if (!found.ok) return new NnrpDrop('cache-miss', 'cache lookup failed', found.code);
    return Buffer.from(found.value.bytes);
  }

  @NnrpSubmit({ routeId: Route.schemaStream })
  schemaStream(@Ctx() ctx: NnrpContext): Observable<NnrpResult> {
    const frames = ctx.typedPayloads();
    const kinds = ctx.submit?.payloadKindBitmap ?? 0;
    const frameInput = ({ descriptor, payload }: TypedPayloadFrameView) => ({
      ...descriptor,
      payload: Buffer.from(payload),
    });
    const single = (views: readonly TypedPayloadFrameView[]): NnrpResult =>
      buildTypedPayloadBody({ payloadKindBitmap: kinds, frames: views.map(frameInput) });
    const schema = this.probe.engine.schemas.get(
      frames[0].descriptor.schemaId,
      frames[0].descriptor.schemaVersion,
    );
    // Append-style schemas stream one delta per frame; any other default is single-shot.
    const append = schema?.defaultStreamSemantics === 2;
    return from(append ? frames.map((frame) => single([frame])) : [single(frames)]);
  }

  @NnrpSubmit({ routeId: Route.typedStream })
  typedStream(): Observable<NnrpResult> {
    return from(
      STREAMED_DESCRIPTORS.map((descriptor, i) =>
        buildTypedPayloadBody({
          payloadKindBitmap: STRUCTURED_EVENT,
          frames: [{ ...descriptor, payload: Buffer.from(`event-${i}`) }],
        }),
      ),
    );
  }

  @NnrpSessionClose()
  closed(@Payload() sessionId: number): void {
    this.probe.closedSessions.fire(String(sessionId));
  }
}
