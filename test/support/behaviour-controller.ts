import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  NnrpCancel,
  NnrpContext,
  NnrpDrop,
  NnrpPatch,
  NnrpResult,
  NnrpSessionClose,
  NnrpSubmit,
} from '@nest-nnrp/nest';
import { Observable, of } from 'rxjs';
import { FrameProbe } from './frame-probe';

/** Route ids that select a behaviour of {@link BehaviourController}. */
export const Route = {
  echo: 0,
  sleep: 1,
  throws: 2,
  stream: 3,
  empty: 4,
  never: 5,
  drop: 6,
  late: 7,
  timeout50: 8,
  blocking: 9,
  hint: 10,
} as const;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** One handler per behaviour the transport must cope with, selected by header route id. */
@Controller()
export class BehaviourController {
  constructor(private readonly probe: FrameProbe) {}

  private watch(ctx: NnrpContext): void {
    this.probe.invoked.push(ctx.frameId);
    ctx.signal.addEventListener('abort', () => this.probe.aborted.push(ctx.frameId));
  }

  @NnrpSubmit()
  echo(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): NnrpResult {
    this.probe.invoked.push(ctx.frameId);
    return { body, payloadKindBitmap: ctx.submit?.payloadKindBitmap ?? 0, statusCode: 7 };
  }

  @NnrpSubmit({ routeId: Route.sleep })
  async sleepy(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): Promise<Buffer> {
    this.watch(ctx);
    await sleep(Number(body.toString() || '20'), ctx.signal);
    return body;
  }

  @NnrpSubmit({ routeId: Route.throws })
  throws(@Ctx() ctx: NnrpContext): never {
    this.probe.invoked.push(ctx.frameId);
    throw new Error('model exploded');
  }

  @NnrpSubmit({ routeId: Route.stream })
  stream(@Ctx() ctx: NnrpContext): Observable<string> {
    this.probe.invoked.push(ctx.frameId);
    return of('a', 'b', 'c', 'final');
  }

  @NnrpSubmit({ routeId: Route.empty })
  empty(): Observable<string> {
    return of();
  }

  @NnrpSubmit({ routeId: Route.never })
  never(@Ctx() ctx: NnrpContext): Promise<Buffer> {
    this.watch(ctx);
    return new Promise<Buffer>(() => undefined);
  }

  @NnrpSubmit({ routeId: Route.drop })
  drop(): NnrpDrop {
    return new NnrpDrop('application');
  }

  @NnrpSubmit({ routeId: Route.late })
  async late(@Ctx() ctx: NnrpContext): Promise<Buffer> {
    this.watch(ctx);
    await sleep(150); // ignores the signal on purpose: its result must be discarded
    return Buffer.from('too late');
  }

  @NnrpSubmit({ routeId: Route.timeout50, timeoutMs: 50 })
  async handlerTimeout(@Ctx() ctx: NnrpContext): Promise<Buffer> {
    this.watch(ctx);
    await sleep(1000, ctx.signal);
    return Buffer.from('never');
  }

  /** Blocks the event loop (like synchronous inference): no timer can fire meanwhile. */
  @NnrpSubmit({ routeId: Route.blocking })
  blocking(@Payload() body: Buffer): Buffer {
    const until = performance.now() + Number(body.toString() || '60');
    while (performance.now() < until) {
      // busy: the deadline timer cannot run
    }
    return body;
  }

  /** Tells the client the server is busy, then answers. */
  @NnrpSubmit({ routeId: Route.hint })
  hint(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): Buffer {
    ctx.sendHint({ congestionState: 2, reason: 2, retryAfterMs: 25 });
    return body;
  }

  @NnrpCancel()
  cancelled(@Payload() frameId: number): void {
    this.probe.cancelled.push(frameId);
  }

  @NnrpSessionClose()
  closed(@Payload() sessionId: number): void {
    this.probe.closedSessions.push(sessionId);
  }

  /** Slow on purpose: results finishing meanwhile must wait behind the ack (§6.3). */
  @NnrpPatch()
  async patched(@Ctx() ctx: NnrpContext): Promise<undefined> {
    this.probe.patches.push(ctx.session?.id ?? 0);
    await sleep(40);
    return undefined;
  }
}
