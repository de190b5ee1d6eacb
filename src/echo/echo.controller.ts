import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NnrpContext, NnrpResult, NnrpSubmit } from '@nest-nnrp/nest';

/** The minimal NNRP service: every submit is answered with its own body. */
@Controller()
export class EchoController {
  @NnrpSubmit()
  echo(@Payload() body: Buffer, @Ctx() ctx: NnrpContext): NnrpResult {
    return { body, payloadKindBitmap: ctx.submit?.payloadKindBitmap ?? 0 };
  }
}
