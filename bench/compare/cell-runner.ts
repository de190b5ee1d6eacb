import { CellOutcome } from './cell-outcome';
import { DriverHandle } from './driver-handle';
import { CellSpec } from './driver-protocol';

/**
 * Runs cells one after another on a cell driver, replacing the driver after a stalled cell (the
 * watchdog killed it), and makes sure no driver or server outlives the bench.
 */
export class CellRunner {
  private driver: DriverHandle | undefined;

  constructor(private readonly stallMs: number) {
    const killDriver = (): void => this.driver?.kill();
    process.once('exit', killDriver);
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        killDriver();
        process.exit(130);
      });
  }

  async run(cell: CellSpec): Promise<CellOutcome> {
    this.driver ??= await DriverHandle.start();
    const outcome = await this.driver.run(cell, this.stallMs);
    if (!outcome.ok && outcome.stalled) this.driver = undefined;
    return outcome;
  }

  async close(): Promise<void> {
    await this.driver?.close();
    this.driver = undefined;
  }
}
