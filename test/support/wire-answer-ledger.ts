import { MessageType } from '@nest-nnrp/protocol';
import { InboundMessage, isPartialResult, NnrpClient } from '@nest-nnrp/nest';

/** One answer a client saw for a frame. */
export type WireAnswer = 'partial' | 'result' | 'drop';

/**
 * Every RESULT_PUSH / RESULT_DROP the clients received, per session and frame, in order: the
 * client-side half of decisions.md §11 (partials, then exactly one terminal answer, then
 * nothing).
 */
export class WireAnswerLedger {
  private readonly answers = new Map<string, WireAnswer[]>();

  /** Records what `client` receives from now on. */
  watch(client: NnrpClient): void {
    client.on('packet', (message: InboundMessage) => {
      if (message.type === MessageType.ResultDrop) {
        this.add(message.header.sessionId, message.header.frameId, 'drop');
      } else if (message.type === MessageType.ResultPush) {
        const partial = isPartialResult(message.metadata);
        this.add(message.header.sessionId, message.header.frameId, partial ? 'partial' : 'result');
      }
    });
  }

  of(sessionId: number, frameId: number): readonly WireAnswer[] {
    return this.answers.get(key(sessionId, frameId)) ?? [];
  }

  /** True when the frame got its one terminal answer. */
  answered(sessionId: number, frameId: number): boolean {
    return this.of(sessionId, frameId).some((answer) => answer !== 'partial');
  }

  /** Frames whose answers break §11: more than one terminal, or anything after it. */
  broken(): string[] {
    const broken: string[] = [];
    for (const [frame, answers] of this.answers) {
      const terminal = answers.findIndex((answer) => answer !== 'partial');
      if (terminal !== -1 && terminal !== answers.length - 1) {
        broken.push(`${frame}: ${answers.join(',')}`);
      }
    }
    return broken;
  }

  private add(sessionId: number, frameId: number, answer: WireAnswer): void {
    const list = this.answers.get(key(sessionId, frameId));
    if (list) list.push(answer);
    else this.answers.set(key(sessionId, frameId), [answer]);
  }
}

function key(sessionId: number, frameId: number): string {
  return `${sessionId}:${frameId}`;
}
