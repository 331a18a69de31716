/** @module The gate `hold` faults wait at: streams held open until the test lets them go (or their client leaves). */

export class HoldGate {
  private open = Promise.withResolvers<void>();
  private waiting = 0;

  constructor(private readonly onChange: (held: number) => void) {}

  /** Resolves when released, or when `left` resolves (the client went away). */
  async hold(left: Promise<void>): Promise<void> {
    this.waiting++;
    this.onChange(this.waiting);
    try {
      await Promise.race([this.open.promise, left]);
    } finally {
      this.waiting--;
      this.onChange(this.waiting);
    }
  }

  /** Lets every held stream go on; streams held later wait for the next release. */
  releaseAll(): number {
    const released = this.waiting;
    this.open.resolve();
    this.open = Promise.withResolvers<void>();
    return released;
  }
}
