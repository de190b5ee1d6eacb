/** Kinds of things the fuzzer treats as a server defect. */
export type FindingKind =
  /** The server process died. */
  | 'crash'
  /** A connection got neither an answer-and-close nor a close within the hang limit. */
  | 'hang'
  /** The handshake got no ack, no ERROR and no close in time. */
  | 'handshake-unanswered'
  /** The server sent bytes the client-side decoder rejects. */
  | 'unparseable-reply'
  /** A packet followed a fatal ERROR on the same connection. */
  | 'packet-after-fatal-error'
  /** PING, RESULT_HINT, CLOSE or a non-fatal ERROR went to a SESSION_OPEN connection (§10). */
  | 'forbidden-for-open-flow'
  /** Well-formed traffic was refused (ERROR or close before the client was done). */
  | 'valid-traffic-refused'
  /** Well-formed traffic was not fully answered in time (PONGs, terminal answers). */
  | 'valid-traffic-unanswered'
  /** A message sent before the handshake was not refused with a fatal ERROR. */
  | 'pre-handshake-not-refused'
  /** A packet naming another connection's session was not refused. */
  | 'foreign-session-not-refused'
  /** The control session got a wrong answer, a drop, or lost its connection. */
  | 'control-failure'
  /** The server's RSS went over the ceiling. */
  | 'rss-ceiling'
  /** The server did not answer a stats request over IPC. */
  | 'stats-unresponsive'
  /** Connections stayed open on the server after every fuzz connection was gone. */
  | 'connection-leak'
  /** The server references much more memory after the run than before it. */
  | 'memory-leak';

/** One finding, with enough detail to replay it (attack kind, seed, bytes). */
export interface Finding {
  readonly kind: FindingKind;
  readonly detail: string;
}

/** Findings are counted by kind; only the first few of each kind keep their detail. */
export class FindingLog {
  private readonly counts = new Map<FindingKind, number>();
  private readonly samples: Finding[] = [];

  constructor(private readonly samplesPerKind = 5) {}

  add(finding: Finding): void {
    const seen = this.counts.get(finding.kind) ?? 0;
    this.counts.set(finding.kind, seen + 1);
    if (seen < this.samplesPerKind) this.samples.push(finding);
  }

  get total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  byKind(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  examples(): readonly Finding[] {
    return this.samples;
  }
}
