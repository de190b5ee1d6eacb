import { LoadRecorder } from './load-recorder';

/** Ends one request: the payload bytes it returned, or `timedOut`. */
export type RequestDone = (bytes: number, timedOut: boolean) => void;

/** Issues request number `sequence` (1-based per connection) and calls `done` or `fail` once. */
export type IssueRequest = (
  sequence: number,
  done: RequestDone,
  fail: (error: Error) => void,
) => void;

/**
 * Keeps `window` requests in flight on one connection until the recorder stops, then waits for
 * the last answers: the same closed-loop load shape as the NNRP load client. Callbacks rather than
 * promises keep the client's own cost per request low, as in that client.
 */
export function keepInFlight(
  window: number,
  recorder: LoadRecorder,
  issue: IssueRequest,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let sequence = 0;
    let inFlight = 0;
    let failed = false;
    const next = (): void => {
      const startedAt = performance.now();
      inFlight++;
      issue(
        ++sequence,
        (bytes, timedOut) => {
          inFlight--;
          recorder.record(startedAt, bytes, timedOut);
          if (recorder.running && !failed) next();
          else if (inFlight === 0 && !failed) resolve();
        },
        (error) => {
          failed = true;
          reject(error);
        },
      );
    };
    for (let i = 0; i < window; i++) next();
  });
}
