import { Injectable } from '@nestjs/common';
import { NnrpTransport } from '@nest-nnrp/nest';

/** The running transport, set at bootstrap, for health checks. */
@Injectable()
export class ServiceState {
  transport: NnrpTransport | undefined;
}
