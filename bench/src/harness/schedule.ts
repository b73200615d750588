/**
 * The open-loop send schedule (issue 18.2): sends are planned at fixed times, whatever the
 * server does, and latency is measured from the *planned* time. A generator that falls
 * behind sends late but never skips or slows the plan, so a slow server cannot lower the
 * load it is offered (no coordinated omission); how late the generator itself ran is
 * reported apart as its send lag.
 */

/** Planned send times, evenly spaced at `ratePerSecond` from `startMs`, for `durationMs`. */
export class SendSchedule {
  readonly intervalMs: number;
  readonly planned: number;
  private next = 0;

  constructor(
    readonly startMs: number,
    ratePerSecond: number,
    durationMs: number,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`rate must be positive, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
    this.planned = Math.floor((durationMs * ratePerSecond) / 1000);
  }

  /** Planned time of send number `i` (0-based). */
  at(i: number): number {
    return this.startMs + i * this.intervalMs;
  }

  /** Sends made so far. */
  get sent(): number {
    return this.next;
  }

  /** True once every planned send is made. */
  get done(): boolean {
    return this.next >= this.planned;
  }

  /**
   * The sends due at `nowMs` that were not yet made, as [index, planned time] pairs, in
   * order; they count as made once returned.
   */
  due(nowMs: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    while (this.next < this.planned && this.at(this.next) <= nowMs) {
      out.push([this.next, this.at(this.next)]);
      this.next++;
    }
    return out;
  }

  /** Time of the next planned send (Infinity when done). */
  nextAt(): number {
    return this.done ? Infinity : this.at(this.next);
  }
}

/**
 * Rates to try between the highest held and the lowest failed rate: `splits` evenly spaced
 * rates strictly between them, rounded to `grain` (finer steps near the knee).
 */
export function refineBetween(held: number, failed: number, splits: number, grain = 100): number[] {
  const out: number[] = [];
  for (let i = 1; i <= splits; i++) {
    const r = Math.round((held + ((failed - held) * i) / (splits + 1)) / grain) * grain;
    if (r > held && r < failed && !out.includes(r)) out.push(r);
  }
  return out;
}

/** p99 at or under which a step holds (issue 18.2). */
export const HELD_P99_MS = 100;

/**
 * A run not held that says nothing about the server: the load generator fell behind its
 * own plan (send lag p99 over half the held bound) while the server's event loop stayed
 * responsive (longest delay ≤ a quarter of it). Latency runs from the planned send, so the
 * generator's stall is in every figure of the run; a server that stalled (and made the
 * generator wait for a burst of deliveries) shows its own loop delay and is not excused.
 */
export function isGeneratorBound(f: { held: boolean; genLagP99: number; serverLoopMax: number }): boolean {
  return !f.held && f.genLagP99 > HELD_P99_MS / 2 && f.serverLoopMax <= HELD_P99_MS / 4;
}

/** The held rule: ≥ 99 % of planned updates sent and delivered, p99 ≤ 100 ms, no socket error. */
export function isHeld(f: { sentPercent: number; deliveredPercent: number; p99: number; socketErrors: number }): boolean {
  return f.sentPercent >= 99 && f.deliveredPercent >= 99 && f.p99 <= HELD_P99_MS && f.socketErrors === 0;
}
