/**
 * Keeps the SQLite job log from growing without end behind one job (job-log-sql.ts).
 *
 * Dead rows are deleted from the head of `job_updates` only up to the oldest live row. The
 * relay compacts a loaded job after 500 updates or 5 s of quiet, so that row is recent,
 * unless a job's log is never compacted: a job created through the API and never opened,
 * or one that gets a change every few seconds all day. Such a log would keep every later
 * row of every job on disk, and the next open of that job would scan them all. Every
 * `everyMs`, when the oldest log starts more than `spanRows` rows back, its job is folded
 * (the store's own `compactJobDoc`, which merges its snapshot and log under the write lock,
 * correct whether or not the relay holds the job) and the head can move on.
 *
 *   const watch = new PinnedLogWatch(() => docs.oldestLog(), (jobId) => store.compactJobDoc(jobId), { spanRows: 1_000_000 })
 *   await watch.check() // what the timer runs; returns the job folded, if any
 *   await watch.stop()
 */
import type { OldestLog } from './job-docs';

export interface PinnedLogWatchOptions {
  /** Rows between the oldest log's start and the newest row above which that log is folded; default 1,000,000. */
  spanRows?: number | undefined;
  /** How often to look; default 10 s. */
  everyMs?: number | undefined;
}

export class PinnedLogWatch {
  private readonly spanRows: number;
  private readonly timer: NodeJS.Timeout;
  private running: Promise<string | null> = Promise.resolve(null);

  constructor(
    /** The log starting furthest back, or null when no job has one (or the store is closed). */
    private readonly oldest: () => OldestLog | null,
    private readonly fold: (jobId: string) => Promise<void>,
    options: PinnedLogWatchOptions = {},
  ) {
    this.spanRows = options.spanRows ?? 1_000_000;
    this.timer = setInterval(() => void this.check(), options.everyMs ?? 10_000).unref();
  }

  /** Folds the oldest log if it spans more than `spanRows`; resolves with its job, or null. */
  check(): Promise<string | null> {
    this.running = this.running.then(async () => {
      const oldest = this.oldest();
      if (!oldest || oldest.spanRows < this.spanRows) return null;
      try {
        await this.fold(oldest.jobId);
      } catch (err) {
        // Left as stored: still read whole on its next open, and looked at again next time.
        console.error(`[outpost] folding the long log of ${oldest.jobId} failed`, err);
        return null;
      }
      return oldest.jobId;
    });
    return this.running;
  }

  /** Stops looking, after a fold in hand. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
