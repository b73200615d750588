/**
 * The status board: gathers what the status line needs (pending content changes, outbox,
 * blobs, sockets, HTTP answers, refused jobs) and keeps `SyncStatus` current. It also
 * tallies what went up, so that when everything is uploaded it can say how much
 * ("12 pending updates were uploaded": content changes, ops and blobs, one each).
 */
import type { BlobQueue } from '../blobs/blob-queue';
import type { JobStore } from '../jobs/job-store';
import { Observable, type Watchable } from '../observable';
import type { Outbox } from '../outbox/outbox';
import { syncStatusOf, type SyncStatus } from '../sync/sync-status';

/** What a finished drain uploaded. */
export interface DrainedEvent {
  ops: number;
  /** Content changes that became durable (a change groups a burst of doc updates to one thing). */
  updates: number;
  blobs: number;
  total: number;
  message: string;
}

/** What the board reads. */
export interface StatusSources {
  jobs: JobStore;
  outbox: Outbox;
  blobs: BlobQueue;
  signedIn(): boolean;
}

/** What the board tells the engine. */
export interface StatusBoardEvents {
  drained(e: DrainedEvent): void;
  /** The server answered again after a silence. */
  reachable(): void;
}

const OFFLINE = syncStatusOf({ pendingUpdates: 0, queuedOps: 0, queuedBlobs: 0, failedOps: 0, failedBlobs: 0, stuckUpdates: 0, connected: false, signedIn: false });

/** Keeps the device's sync status. */
export class StatusBoard implements Watchable<SyncStatus> {
  private readonly status = new Observable<SyncStatus>(OFFLINE);
  private readonly openSockets = new Set<string>();
  /** Jobs whose relay refused this device (e.g. 4403 no longer assigned): their edits cannot upload. */
  private readonly refused = new Map<string, { code: number; reason: string }>();
  private httpReachable = false;
  private otherTabs = 0;
  private tally = { ops: 0, updates: 0, blobs: 0 };
  private sources: StatusSources | null = null;

  constructor(private readonly events: StatusBoardEvents) {}

  get = (): SyncStatus => this.status.get();
  subscribe = (listener: (s: SyncStatus) => void): (() => void) => this.status.subscribe(listener);

  /** Starts reading the sources (once they exist). */
  attach(sources: StatusSources): void {
    this.sources = sources;
    this.refresh();
  }

  /** True while a relay socket is open. */
  get socketsOpen(): boolean {
    return this.openSockets.size > 0;
  }

  /** The server answered lately: a socket is open or an HTTP call got an answer. */
  get connected(): boolean {
    return this.socketsOpen || this.httpReachable;
  }

  /** Jobs the relay refused, with the close code and reason. */
  refusedJobs(): Map<string, { code: number; reason: string }> {
    return new Map(this.refused);
  }

  /**
   * A job's socket opened or closed (`refused` when the server turned the job away).
   * `answered`: the close came from the server deciding (a refusal, a refused token), so
   * the server is there, whatever else is closed.
   */
  socket(jobId: string, open: boolean, refused: { code: number; reason: string } | null, answered = false): void {
    const was = this.connected;
    if (open) {
      this.openSockets.add(jobId);
      this.refused.delete(jobId);
    } else {
      this.openSockets.delete(jobId);
      if (refused) this.refused.set(jobId, refused);
      // The last socket dropping is the best sign the network went away; a refusal is not.
      if (answered) this.httpReachable = true;
      else if (this.openSockets.size === 0) this.httpReachable = false;
    }
    this.refresh();
    if (!was && this.connected) this.events.reachable();
  }

  /** An HTTP call got an answer (true) or none (false). */
  http(ok: boolean): void {
    const was = this.connected;
    this.httpReachable = ok;
    this.refresh();
    if (!was && this.connected) this.events.reachable();
  }

  /** Content changes made in this device's other tabs and still pending there. */
  otherTabsPending(n: number): void {
    this.otherTabs = n;
    this.refresh();
  }

  /** Something reached the server (an op, durable content changes, a blob). */
  uploaded(kind: 'ops' | 'updates' | 'blobs', n = 1): void {
    this.tally[kind] += n;
  }

  /** Recomputes the status; says what was uploaded once nothing is pending any more. */
  refresh(): void {
    const s = this.sources;
    if (!s) return;
    const lists = s.outbox.get();
    const blobs = s.blobs.counts.get();
    let stuckUpdates = 0;
    for (const jobId of this.refused.keys()) stuckUpdates += s.jobs.pendingCount(jobId);
    this.status.set(
      syncStatusOf({
        pendingUpdates: s.jobs.pendingCount() - stuckUpdates + this.otherTabs,
        queuedOps: lists.queued.length,
        queuedBlobs: blobs.queued,
        failedOps: lists.errors.length + lists.conflicts.length,
        failedBlobs: blobs.failed,
        stuckUpdates,
        connected: this.connected,
        signedIn: s.signedIn(),
      }),
    );
    const total = this.tally.ops + this.tally.updates + this.tally.blobs;
    if (total > 0 && this.status.get().pending === 0) {
      const drained = { ...this.tally, total, message: `${total} pending update${total === 1 ? ' was' : 's were'} uploaded` };
      this.tally = { ops: 0, updates: 0, blobs: 0 };
      this.events.drained(drained);
    }
  }
}
