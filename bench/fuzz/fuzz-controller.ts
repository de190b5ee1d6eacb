import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NnrpContext, NnrpDrop, NnrpResult, NnrpSubmit } from '@nest-nnrp/nest';
import { Observable, of } from 'rxjs';

/** Route ids of {@link FuzzController}; any other route id reaches the echo. */
export const FuzzRoute = {
  echo: 0,
  sleep: 1,
  throws: 2,
  stream: 3,
  drop: 4,
} as const;

/** The longest a fuzzed sleep lasts, so no fuzzed frame outlives the idle timeout. */
const MAX_SLEEP_MS = 50;

/**
 * The small application the fuzzer attacks: every handler outcome the transport must map to
 * exactly one answer (value, delay honouring the abort signal, exception, stream, drop). No
 * state is kept per frame, so the server's own memory is what the RSS ceiling measures.
 */
@Controller()
export class FuzzController {
  @NnrpSubmit()
  echo(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): NnrpResult {
    return { body, payloadKindBitmap: ctx.submit?.payloadKindBitmap ?? 0 };
  }

  @NnrpSubmit({ routeId: FuzzRoute.sleep })
  sleep(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): Promise<Buffer> {
    const ms = Math.min(MAX_SLEEP_MS, body.length);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(body), ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(body);
      });
    });
  }

  @NnrpSubmit({ routeId: FuzzRoute.throws })
  throws(): never {
    throw new Error('fuzzed handler failure');
  }

  @NnrpSubmit({ routeId: FuzzRoute.stream })
  stream(@Payload() body: Buffer): Observable<Buffer> {
    return of(Buffer.from('partial'), body);
  }

  @NnrpSubmit({ routeId: FuzzRoute.drop })
  drop(): NnrpDrop {
    return new NnrpDrop('application');
  }
}
