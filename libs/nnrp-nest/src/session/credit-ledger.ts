/**
 * Operation credit of one session (data-plane.md §7.6): one unit per new operation, returned
 * when the operation gets its terminal answer and handed back to the client by FLOW_UPDATE
 * grants. Only consulted when the server enforces credit (an option: Rust 3.8 clients ignore
 * credit entirely).
 */
export class CreditLedger {
  private availableValue: number;
  private epochValue = 0;
  /** Units returned since the last grant was sent. */
  private pendingGrant = 0;

  constructor(initial: number) {
    this.availableValue = initial;
  }

  get available(): number {
    return this.availableValue;
  }

  /** `credit_epoch` of the last update sent; monotonic per session scope. */
  get epoch(): number {
    return this.epochValue;
  }

  /** Takes one unit for a new operation; false when the client has none left. */
  tryConsume(): boolean {
    if (this.availableValue <= 0) return false;
    this.availableValue--;
    return true;
  }

  /** Returns a unit (an operation ended); true when a grant should be scheduled. */
  release(): boolean {
    this.availableValue++;
    this.pendingGrant++;
    return this.pendingGrant === 1;
  }

  /** Adds units the application grants. */
  grant(units: number): void {
    this.availableValue += units;
    this.pendingGrant += units;
  }

  /** Closes the pending grant: the next epoch, to announce with the current credit. */
  nextEpoch(): number {
    this.pendingGrant = 0;
    return ++this.epochValue;
  }
}
