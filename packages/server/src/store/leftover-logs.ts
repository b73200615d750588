/**
 * Crash recovery for job docs (issue 14, item 3). A clean stop compacts every loaded job, so
 * a job that still has updates behind its snapshot when the server starts was being typed
 * into when a process died (SIGKILL, OOM, power loss). Opening such a job would merge that
 * log on the open path; instead start-up folds these logs into snapshots (each job's
 * `compactJobDoc`, which stores the snapshot's state vector too) before the server listens,
 * for up to a time budget, and folds any left over in the background, one job per turn of
 * the event loop, so devices are served meanwhile. A job the relay loads first is skipped:
 * the relay compacts a job loaded with a log itself (store/compaction.ts).
 *
 *   const leftovers = await LeftoverLogs.find(store)
 *   await leftovers.foldFor(2_000) // before listening
 *   leftovers.foldInBackground((jobId) => relay.isLoaded(jobId)) // after
 *   await leftovers.stop() // on close, before the store closes
 */
import type { DocLog } from './store';

/** What folding needs of a `DocLog`. */
export type LogFolding = Pick<DocLog, 'listJobsWithLog' | 'compactJobDoc'>;

/** The jobs found with a log behind their snapshot at start-up, folded in order. */
export class LeftoverLogs {
  private readonly queue: string[];
  private stopped = false;
  private background: Promise<void> = Promise.resolve();
  /** Jobs folded so far. */
  folded = 0;

  private constructor(
    private readonly docs: LogFolding,
    jobIds: readonly string[],
  ) {
    this.queue = [...jobIds];
  }

  /** Lists the jobs storage holds a log for (see `DocLog.listJobsWithLog`). */
  static async find(docs: LogFolding): Promise<LeftoverLogs> {
    return new LeftoverLogs(docs, await docs.listJobsWithLog());
  }

  /** Jobs not folded yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** Folds jobs one after another while less than `budgetMs` has passed (a job started is finished). */
  async foldFor(budgetMs: number): Promise<void> {
    const start = performance.now();
    while (this.queue.length > 0 && !this.stopped && performance.now() - start < budgetMs) await this.foldNext(() => false);
  }

  /**
   * Folds the rest without holding up anything else: one job, then a turn of the event loop
   * for whatever else is waiting. Skips a job `isLoaded` says the relay holds.
   */
  foldInBackground(isLoaded: (jobId: string) => boolean): void {
    if (this.queue.length === 0) return;
    this.background = (async () => {
      while (this.queue.length > 0 && !this.stopped) {
        await new Promise((resolve) => setImmediate(resolve));
        if (!this.stopped) await this.foldNext(isLoaded);
      }
    })();
  }

  /** Stops folding after the job in hand (the rest stays as stored, folded on a later start or load). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.background;
  }

  private async foldNext(isLoaded: (jobId: string) => boolean): Promise<void> {
    const jobId = this.queue.shift()!;
    if (isLoaded(jobId)) return;
    try {
      await this.docs.compactJobDoc(jobId);
      this.folded++;
    } catch (err) {
      // The log stays as stored: the job still opens (merging it then) and is compacted once loaded.
      console.error(`[outpost] folding the log of ${jobId} left by an unclean stop failed`, err);
    }
  }
}
