/**
 * How long the relay's docs have really been idle. The hibernation sweep runs every
 * `intervalMs`; when one comes far later than that, the whole process was frozen (a VM or
 * container paused, a debugger, SIGSTOP): no device could write meanwhile, so the freeze
 * is not idleness. Counting it hibernated every loaded doc at once on resume, and the
 * devices' next keystrokes rebuilt them all, one after another on the event loop (a
 * 160 ms stall with 600 jobs). After a freeze, the sweep leaves docs built for one
 * idle period, as if it had started counting at the resume.
 */
export class IdleClock {
  private lastSweep = Number.NaN;
  private quietUntil = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly idleMs: number,
  ) {}

  /** Called at each sweep: whether docs idle for `idleMs` may hibernate now. */
  mayHibernate(now: number): boolean {
    const late = now - this.lastSweep > 3 * this.intervalMs;
    this.lastSweep = now;
    if (late) this.quietUntil = now + this.idleMs;
    return now >= this.quietUntil;
  }
}
