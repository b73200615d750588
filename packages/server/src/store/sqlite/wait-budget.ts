/**
 * How much of its time the event loop may spend waiting for group commits in the turn that
 * made them (in-turn-wait.ts). A wait gets a relay and its durable ack out in
 * that turn; what the loop gives up meanwhile is the fsync's wait on the disk, in which it
 * could have read other sockets. Under a burst of other work that adds up: 2,000 devices
 * reconnecting after a restart waited ~230 times a second, 12 % of the storm's time, and
 * were all in sync a fifth later than with no wait at all (docs/decisions.md, 28 Nov). The
 * server sets no limit by default (`WAIT_SHARE`, in-turn-wait.ts): measured again, a 5 %
 * limit showed no storm gain and cost fan-out core; a deployment may set one.
 *
 * A credit of waiting time: it refills at `share` of the time that passes, up to `capMs`,
 * and each wait spends what it took. The loop may wait while the credit is above zero; a
 * long wait leaves it below zero until enough time has passed. A share of 1 or more sets no
 * limit.
 */
export class WaitBudget {
  private credit: number;
  private at: number;

  constructor(
    private readonly share: number,
    private readonly capMs: number,
    now: number,
  ) {
    this.credit = capMs;
    this.at = now;
  }

  /** Whether the loop may wait now. */
  allows(now: number): boolean {
    if (this.share >= 1) return true;
    this.credit = Math.min(this.capMs, this.credit + (now - this.at) * this.share);
    this.at = now;
    return this.credit > 0;
  }

  /** Spends `ms` of waiting. */
  spend(ms: number): void {
    this.credit -= ms;
  }
}
