import { DropReason, FrameOperation, NnrpEngine, NnrpSession } from '@nest-nnrp/nest';

/** What the server did with one accepted frame, in order. */
export type ServerEvent = 'completed' | DropReason | 'result-sent' | 'partial-sent';

/**
 * The server-side half of decisions.md §11: spies on the engine's session observer (public
 * `frameSettled` / `resultSent`) and records, per accepted frame, how it ended and what was
 * written for it. Every accepted frame must settle exactly once; nothing may be written after a
 * drop.
 */
export class SettlementSpy {
  private readonly events = new Map<string, ServerEvent[]>();

  constructor(engine: NnrpEngine) {
    const settled = engine.frameSettled.bind(engine);
    const sent = engine.resultSent.bind(engine);
    jest
      .spyOn(engine, 'frameSettled')
      .mockImplementation((session: NnrpSession, frame: FrameOperation, outcome) => {
        this.add(session.id, frame.frameId, outcome);
        settled(session, frame, outcome);
      });
    jest
      .spyOn(engine, 'resultSent')
      .mockImplementation((session: NnrpSession, frame: FrameOperation, bytes, partial) => {
        this.add(session.id, frame.frameId, partial ? 'partial-sent' : 'result-sent');
        sent(session, frame, bytes, partial);
      });
  }

  /** How the frame settled (`undefined` if it never was accepted or is still in flight). */
  outcome(sessionId: number, frameId: number): ServerEvent | undefined {
    return this.of(sessionId, frameId).find((e) => e !== 'result-sent' && e !== 'partial-sent');
  }

  of(sessionId: number, frameId: number): readonly ServerEvent[] {
    return this.events.get(`${sessionId}:${frameId}`) ?? [];
  }

  /** Accepted frames seen. */
  get frames(): number {
    return this.events.size;
  }

  /** Frames settled more than once, or written to after they were dropped. */
  broken(): string[] {
    const broken: string[] = [];
    for (const [frame, events] of this.events) {
      const settles = events.filter((e) => e !== 'result-sent' && e !== 'partial-sent');
      const dropAt = events.findIndex(
        (e) => e !== 'completed' && e !== 'result-sent' && e !== 'partial-sent',
      );
      const writtenAfterDrop =
        dropAt !== -1 &&
        events.slice(dropAt).some((e) => e === 'result-sent' || e === 'partial-sent');
      if (settles.length > 1 || writtenAfterDrop) broken.push(`${frame}: ${events.join(',')}`);
    }
    return broken;
  }

  private add(sessionId: number, frameId: number, event: ServerEvent): void {
    const key = `${sessionId}:${frameId}`;
    const list = this.events.get(key);
    if (list) list.push(event);
    else this.events.set(key, [event]);
  }
}
