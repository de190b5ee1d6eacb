import type { MessageHandler } from '@nestjs/microservices';
import type { FrameOperation } from '../session/frame-operation';
import type { NnrpSession } from '../session/nnrp-session';
import { NnrpSubmitPattern, profileIdOf } from './nnrp-submit-pattern';

interface Route {
  readonly select: NnrpSubmitPattern;
  readonly specificity: number;
  readonly handler: MessageHandler;
}

/**
 * Picks the handler of a submit: among the `@NnrpSubmit` patterns that match the session and
 * header, the one naming the most fields wins; a pattern with none is the catch-all.
 */
export class SubmitRouter {
  private readonly routes: Route[] = [];

  constructor(private readonly modelRoutes: Readonly<Record<number, string>> = {}) {}

  add(select: NnrpSubmitPattern, handler: MessageHandler): void {
    const specificity = Object.values(select).filter((v) => v !== undefined).length;
    this.routes.push({ select, specificity, handler });
    // Most specific first, so `match` can stop at the first hit.
    this.routes.sort((a, b) => b.specificity - a.specificity);
  }

  get size(): number {
    return this.routes.length;
  }

  match(session: NnrpSession, frame: FrameOperation): MessageHandler | undefined {
    for (const route of this.routes) {
      if (this.matches(route.select, session, frame)) return route.handler;
    }
    return undefined;
  }

  private matches(select: NnrpSubmitPattern, session: NnrpSession, frame: FrameOperation): boolean {
    const { header } = frame;
    return (
      (select.profile === undefined || profileIdOf(select.profile) === session.profileId) &&
      (select.schemaId === undefined || select.schemaId === session.schemaId) &&
      (select.schemaVersion === undefined || select.schemaVersion === session.schemaVersion) &&
      (select.viewId === undefined || select.viewId === header.viewId) &&
      (select.routeId === undefined || select.routeId === header.routeId) &&
      (select.model === undefined || this.modelRoutes[header.routeId] === select.model)
    );
  }
}
