import { Injectable } from '@nestjs/common';

/** Records what handlers saw, so tests can check aborts and invocations server-side. */
@Injectable()
export class FrameProbe {
  readonly invoked: number[] = [];
  readonly aborted: number[] = [];
  readonly cancelled: number[] = [];
  readonly closedSessions: number[] = [];
  readonly principals: (string | undefined)[] = [];
  readonly patches: number[] = [];

  /** Resolves when `frameId` has been seen aborted (or after `ms`). */
  async waitAborted(frameId: number, ms = 2000): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.aborted.includes(frameId)) return true;
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.aborted.includes(frameId);
  }
}
