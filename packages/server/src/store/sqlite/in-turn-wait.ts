/**
 * The event loop's wait for a group commit in the turn that sent it (log-writer.ts). The
 * loop holds for the worker's answer, at most a couple of milliseconds, and takes it at
 * once, so the commit's durable acks and relays leave in this turn instead of after the
 * loop's next one. The wait is on the worker's commit, which on a server's one core has
 * the core meanwhile anyway; what the loop gives up is the fsync's wait on the disk.
 */
import { WaitBudget } from './wait-budget';

/**
 * A group commit on a quick disk lands in well under this (an fsync ~0.2 ms, a batch's rows
 * a few µs each); a wait that runs out before its answer makes the loop stop waiting for a
 * while (`PAUSE_AFTER_RUN_OUT`).
 */
export const WAIT_IN_TURN_MS = 2;

/**
 * How long the loop stops waiting after a wait ran out before its answer (a slow disk, a
 * lock, a batch too big for the wait), in waits: 50 (100 ms with the default wait). On a disk
 * that never answers in time the loop then loses at most one wait in 51, 2 % of its time. It
 * tries again after the pause rather than after a commit came back quick, because a commit
 * it did not wait for shares the core with the loop's turn and comes back slow however
 * quick the disk is (see `hold`).
 */
export const PAUSE_AFTER_RUN_OUT = 50;

/**
 * The share of the loop's time it may spend waiting for commits in turn (1: no limit), and
 * the most it saves up (ms). No limit by default: a limit of 5 % showed no gain for a
 * reconnect storm in 12 alternating runs and cost fan-out 4–6 points of the server's core
 * at 3,000–4,000 updates/s (docs/decisions.md, 28 Nov). A deployment can still set one
 * (`SqliteStoreOptions.waitShare`).
 */
export const WAIT_SHARE = 1;
const WAIT_CREDIT_MS = 20;

/** When and how long the loop holds for a commit's answer. */
export class InTurnWait {
  /** False from a wait until the loop has turned. */
  private mayWaitThisTurn = true;
  /** No wait before this time (`performance.now()`): the last wait ran out before its answer. */
  private pausedUntil = 0;
  /** How much more of its time the loop may spend in these waits. */
  private readonly budget: WaitBudget;

  /**
   * `ms`: the longest wait (0: never); `share`: the most of its time the loop spends waiting
   * (1: no limit); `mayWait`: false while the loop has work no commit waits for (the server
   * says so while sockets are being let in or jobs loaded: see `LogWriterOptions.mayWaitInTurn`).
   */
  constructor(
    private readonly ms: number,
    share: number,
    private readonly mayWait: () => boolean = () => true,
  ) {
    this.budget = new WaitBudget(share, WAIT_CREDIT_MS, performance.now());
  }

  /**
   * Holds the loop until `answered()` or `ms` pass, calling `take` (read the worker's answers
   * at once) whenever the worker counts an answer in `counter`. Not for a while after a wait
   * ran out before its answer (`PAUSE_AFTER_RUN_OUT`), nor beyond the share of time. Once
   * a turn: an answer taken here settles its promise at once, and a caller appending again
   * as it settles (a loop of awaited appends) would otherwise wait again in the same turn,
   * and again, and the loop would never come round to its timers and sockets. Not while
   * `mayWait` says the loop has other work (see the constructor).
   *
   * Until 29 Nov the loop stopped waiting after any transaction that took longer than the
   * wait, until one came back quick. On the server's one core that never happened once the
   * relay fell behind: a transaction the loop does not wait for runs beside the loop's turn
   * and takes several times its work; so the next was not waited for either, each turn read
   * more sockets, each batch grew, and the relay stayed in turns of 50–180 ms (its p50 ~100
   * ms at 9,000 updates/s) where it had held 15–25 ms a step before (bench/HISTORY.md,
   * "29 Nov 18:20Z").
   */
  hold(counter: Int32Array, take: () => void, answered: () => boolean): void {
    if (this.ms <= 0 || !this.mayWaitThisTurn || !this.mayWait()) return;
    const start = performance.now();
    if (start < this.pausedUntil || !this.budget.allows(start)) return;
    this.mayWaitThisTurn = false;
    setImmediate(() => (this.mayWaitThisTurn = true));
    const until = start + this.ms;
    for (;;) {
      const seen = Atomics.load(counter, 0);
      take();
      if (answered()) return this.budget.spend(performance.now() - start);
      const now = performance.now();
      if (now >= until) {
        this.pausedUntil = now + PAUSE_AFTER_RUN_OUT * this.ms;
        return this.budget.spend(now - start);
      }
      Atomics.wait(counter, 0, seen, until - now);
    }
  }
}
