/**
 * Background work (compacting jobs that went quiet, hibernating idle docs) run in slices of
 * a few milliseconds, the event loop turning between them. Such work comes in bursts — every
 * job of a crew goes quiet at once, a sweep finds hundreds of idle docs — and each piece
 * encodes a whole doc; done in one go, a burst was one long turn that every socket's
 * relaying waited behind.
 */

/** Runs queued tasks in order, at most `budgetMs` of them per event-loop turn (at least one). */
export class TurnSlicer {
  private queue: Array<() => void> = [];
  private next = 0;
  private scheduled = false;

  constructor(
    private readonly budgetMs = 2,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Tasks waiting. */
  get pending(): number {
    return this.queue.length - this.next;
  }

  /** Queues `task`; a task that throws is logged and the rest run on. */
  add(task: () => void): void {
    this.queue.push(task);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  private slice(): void {
    const end = this.now() + this.budgetMs;
    do {
      const task = this.queue[this.next]!;
      this.queue[this.next++] = noop; // let it be collected
      try {
        task();
      } catch (err) {
        console.error('[outpost] background task failed', err);
      }
    } while (this.next < this.queue.length && this.now() < end);
    if (this.next < this.queue.length) {
      setImmediate(() => this.slice());
      return;
    }
    this.queue = [];
    this.next = 0;
    this.scheduled = false;
  }
}

const noop = () => undefined;
