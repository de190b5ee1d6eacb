import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NnrpContext, NnrpSubmit } from '@nest-nnrp/nest';
import { Observable } from 'rxjs';
import { FrameProbe } from './frame-probe';

/**
 * Route ids of {@link FaultController}, clear of BehaviourController's (0–8) so both can serve
 * one app: the most specific route wins, BehaviourController's echo stays the catch-all.
 */
export const FaultRoute = {
  /** Body `"<KiB>[:<delay ms>]"`: answers that many KiB after the delay. */
  big: 20,
  /** Emits a partial at once and more later, ignoring unsubscription (a careless stream). */
  lateStream: 21,
  /** Rejects after 100 ms whatever happened to its frame. */
  lateReject: 22,
} as const;

const LATE_MS = 100;
const KIB = 1024;

/** Handlers that misbehave in ways the transport must contain. */
@Controller()
export class FaultController {
  constructor(private readonly probe: FrameProbe) {}

  @NnrpSubmit({ routeId: FaultRoute.big })
  async big(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): Promise<Buffer> {
    this.watch(ctx);
    const [kib, delayMs] = body.toString().split(':').map(Number);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return Buffer.alloc(kib * KIB, 0x5a);
  }

  @NnrpSubmit({ routeId: FaultRoute.lateStream })
  lateStream(@Ctx() ctx: NnrpContext): Observable<string> {
    this.watch(ctx);
    return new Observable<string>((subscriber) => {
      subscriber.next('early');
      subscriber.next('still early');
      // No teardown on purpose: the timer fires after the frame was dropped.
      setTimeout(() => {
        subscriber.next('late');
        subscriber.complete();
      }, LATE_MS);
    });
  }

  @NnrpSubmit({ routeId: FaultRoute.lateReject })
  lateReject(@Ctx() ctx: NnrpContext): Promise<never> {
    this.watch(ctx);
    return new Promise((_, reject) =>
      setTimeout(() => reject(new Error('failed after the drop')), LATE_MS),
    );
  }

  private watch(ctx: NnrpContext): void {
    this.probe.invoked.push(ctx.frameId);
    ctx.signal.addEventListener('abort', () => this.probe.aborted.push(ctx.frameId));
  }
}
