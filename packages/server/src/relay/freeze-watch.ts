/**
 * Tells a freeze of the whole process from quiet. When a VM or container is paused, a
 * debugger stops, the process gets SIGSTOP, or the loop is held for a long while, timers
 * meant for "nobody wrote for a while" (a job's quiet compaction) come due meanwhile and
 * all fire at the resume, right when devices write again, though no device could write
 * during the freeze (so would hibernation, which frees docs idle for a while). A cheap
 * interval notes each turn of the loop; one that comes more than
 * `frozenAfterMs` after the last marks a resume, and quiet counts from there.
 */
export class FreezeWatch {
  private lastTick: number;
  private resumedAt = Number.NEGATIVE_INFINITY;
  private readonly timer: NodeJS.Timeout | null;

  /** `tickMs` 0: no interval (the caller calls `check`). */
  constructor(
    private readonly frozenAfterMs = 1000,
    tickMs = 100,
    now = performance.now(),
  ) {
    this.lastTick = now;
    this.timer = tickMs > 0 ? setInterval(() => this.check(performance.now()), tickMs).unref() : null;
  }

  /** Notes a turn of the loop at `now`: after a gap of more than `frozenAfterMs`, a resume. */
  check(now: number): void {
    if (now - this.lastTick > this.frozenAfterMs) this.resumedAt = now;
    this.lastTick = now;
  }

  /** How much longer work waiting for `quietMs` of quiet must wait at `now`: a freeze is not quiet. */
  quietLeft(quietMs: number, now = performance.now()): number {
    this.check(now);
    return Math.max(0, this.resumedAt + quietMs - now);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
