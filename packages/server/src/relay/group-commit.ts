/**
 * Group commit: updates from every socket and job are collected until the end of the
 * event-loop turn (or a few milliseconds, `delayMs`), or until the previous transaction
 * finishes, and appended in ONE store transaction. `barrier()` resolves once everything
 * appended so far is committed — the relay sends a durable ack only after it.
 *
 * With no commit in flight, the default (`delayMs` 0) commits what the turn read at the end
 * of that turn: a fixed collection delay only added to every ack's latency when the relay
 * was quiet, and under load batches form anyway while the previous commit waits on the disk.
 */
import type { JobUpdate, DocLog } from '../store/store';

interface Batch {
  updates: JobUpdate[];
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // waiters get the rejection; an unawaited batch must not crash the process
  return { updates: [], done, resolve, reject };
}

/** Callbacks after a batch commits or finally fails. */
export interface GroupCommitEvents {
  /** `seconds`: from the commit's start until it landed, retries included. */
  committed(updates: readonly JobUpdate[], seconds: number): void;
  failed(updates: readonly JobUpdate[], err: unknown): void;
}

/** Collects job updates and commits them in batches, one transaction at a time. */
export class GroupCommitter {
  private open: Batch | null = null;
  private inFlight: Batch | null = null;
  /** Cancels the scheduled run of the open batch (a timer or an immediate); null when none is scheduled. */
  private cancelScheduled: (() => void) | null = null;

  constructor(
    private readonly store: DocLog,
    private readonly events: GroupCommitEvents,
    private readonly delayMs = 0,
    private readonly attempts = 3,
  ) {}

  /**
   * Queues an update for the next commit; resolves once that commit is done, rejects if it
   * finally failed. Updates in one batch share the promise.
   */
  append(update: JobUpdate): Promise<void> {
    this.open ??= newBatch();
    this.open.updates.push(update);
    this.schedule();
    return this.open.done;
  }

  /** Resolves when every update appended so far is committed; rejects if its commit failed. */
  barrier(): Promise<void> {
    return (this.open ?? this.inFlight)?.done ?? Promise.resolve();
  }

  /** Commits what is queued now, without waiting for the collection delay. */
  async flush(): Promise<void> {
    this.cancelScheduled?.();
    this.cancelScheduled = null;
    const pending = this.barrier();
    void this.run();
    await pending;
  }

  private schedule(): void {
    if (this.inFlight || this.cancelScheduled) return;
    const run = () => {
      this.cancelScheduled = null;
      void this.run();
    };
    if (this.delayMs > 0) {
      const timer = setTimeout(run, this.delayMs);
      this.cancelScheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(run);
      this.cancelScheduled = () => clearImmediate(immediate);
    }
  }

  private async run(): Promise<void> {
    if (this.inFlight || !this.open) return;
    const batch = this.open;
    this.open = null;
    this.inFlight = batch;
    const started = performance.now();
    try {
      await this.commitWithRetry(batch.updates);
      this.events.committed(batch.updates, (performance.now() - started) / 1000);
      batch.resolve();
    } catch (err) {
      this.events.failed(batch.updates, err);
      batch.reject(err);
    } finally {
      this.inFlight = null;
    }
    // The previous transaction just finished: commit what gathered meanwhile right away.
    if (this.open) void this.run();
  }

  private async commitWithRetry(updates: JobUpdate[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.appendUpdates(updates);
        return;
      } catch (err) {
        if (attempt >= this.attempts) throw err;
        await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      }
    }
  }
}
