/**
 * Catching up: whenever the server is reachable and this tab holds the drain lock, drain
 * the outbox and upload queued blobs. The two run side by side, so a photo that keeps
 * failing never holds back a status change. While no relay socket is open, a cheap probe
 * (`GET /healthz`) says whether the server is there (so the status line stays truthful);
 * it is retried with backoff and jitter while the server does not answer. An op or blob
 * waiting for its retry (sync/retry-schedule.ts) brings the next pass forward to its time.
 */
import type { UploadReport } from '../blobs/blob-queue';
import type { DrainReport } from '../outbox/drain';
import type { DrainLock } from '../tabs/drain-lock';
import { backoffDelay, type BackoffPolicy } from '../sync/backoff';

/** Probing an unreachable server: 0.5 s doubling to 10 s, with jitter. */
const PROBE_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 10_000 };

/** What catching up needs from the engine. */
export interface CatchUpOptions {
  lock: DrainLock;
  /** Queued ops or blobs exist, or flagged ones that are still retried in the background. */
  hasWork(): boolean;
  /** A relay socket is open (else the server is probed before anything is sent). */
  connected(): boolean;
  /** Asks the server whether it is there. */
  probe(): Promise<boolean>;
  drainOps(signal: AbortSignal): Promise<DrainReport>;
  uploadBlobs(signal: AbortSignal): Promise<UploadReport>;
  /** Period of the background check while work is waiting. */
  intervalMs: number;
}

/** Drives outbox drains and blob uploads. */
export class CatchUp {
  private readonly abort = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private failures = 0;
  private running = { ops: false, blobs: false };
  private again = { ops: false, blobs: false };
  private kicking = false;
  private kickRun: Promise<void> = Promise.resolve();
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: CatchUpOptions) {}

  /** Starts the background check. */
  start(): void {
    this.schedule(0);
  }

  /** Stops, and resolves once the kick, drain and upload in flight have wound down. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.kickRun;
    await this.whenIdle();
  }

  /** Tries to catch up now (work was queued, a socket opened, the network came back). */
  kick(): Promise<void> {
    if (this.abort.signal.aborted || this.kicking) return this.kickRun;
    this.kicking = true;
    this.kickRun = this.tryToCatchUp().catch(() => {
      // Device storage closed under us (engine destroyed) or a bug in one pass: the next kick retries.
      this.schedule(this.options.intervalMs);
    });
    return this.kickRun;
  }

  private async tryToCatchUp(): Promise<void> {
    try {
      // Without an open socket, only an answer from the server says whether it is there.
      if (!this.options.connected() && !(await this.options.probe())) {
        return this.schedule(backoffDelay(this.failures++, PROBE_BACKOFF));
      }
      this.failures = 0;
      if (!this.options.hasWork() || !(await this.options.lock.acquire())) return this.schedule(this.options.intervalMs);
      this.run('ops');
      this.run('blobs');
    } finally {
      this.kicking = false;
    }
  }

  /** Resolves when no drain or upload is running (tests, export). */
  whenIdle(): Promise<void> {
    if (!this.running.ops && !this.running.blobs) return Promise.resolve();
    return new Promise((r) => this.idle.add(r));
  }

  private run(kind: 'ops' | 'blobs'): void {
    if (this.running[kind]) {
      this.again[kind] = true;
      return;
    }
    this.running[kind] = true;
    const signal = this.abort.signal;
    const work: Promise<{ stuck: boolean; retryAt?: number }> =
      kind === 'ops'
        ? this.options.drainOps(signal).then((r) => ({ stuck: r.stopped !== 'done', retryAt: r.retryAt }))
        : this.options.uploadBlobs(signal).then((r) => ({ stuck: r.stopped !== 'done', retryAt: r.retryAt }));
    void work
      .catch(() => ({ stuck: true, retryAt: undefined }))
      .then(({ stuck, retryAt }) => {
        this.running[kind] = false;
        if (this.again[kind] && !stuck) {
          this.again[kind] = false;
          return this.run(kind);
        }
        this.again[kind] = false;
        this.schedule(stuck ? backoffDelay(this.failures++, PROBE_BACKOFF) : this.options.intervalMs);
        if (!stuck && retryAt !== undefined) this.schedule(Math.max(0, retryAt - Date.now()));
        if (!this.running.ops && !this.running.blobs) {
          for (const r of [...this.idle]) r();
          this.idle.clear();
        }
      });
  }

  /** Sets the next pass `ms` from now, unless one is already set sooner. */
  private schedule(ms: number): void {
    if (this.abort.signal.aborted) return;
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      void this.kick();
    }, ms);
  }
}
