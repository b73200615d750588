/**
 * The status board: gathers what the status line needs (content changes, outbox, sockets,
 * HTTP answers, refused jobs) and keeps `SyncStatus` current. It also tallies what went
 * up, so that when everything is uploaded it can say how much ("12 pending updates were
 * uploaded"). Both count the same units (outbox/change-list.ts: a photo and its upload are
 * one; queued ops one each): the tally is the pending units that left for the server, so
 * the notice's N is the N the indicator showed.
 */
import type { ChangeFeed } from '../outbox/change-feed';
import { groupConflicts } from '../outbox/conflict-groups';
import { Observable, type Watchable } from '../observable';
import type { Outbox } from '../outbox/outbox';
import { syncStatusOf, type SyncStatus } from '../sync/sync-status';

/** What a finished drain uploaded. */
export interface DrainedEvent {
  ops: number;
  /** Content changes that reached the server (a photo or signature with its upload is one). */
  updates: number;
  /** Always 0: blobs are counted with the change that carries them (kept for older readers). */
  blobs: number;
  total: number;
  message: string;
}

/** What the board reads. */
export interface StatusSources {
  changes: ChangeFeed;
  /** Changes the job docs hold as pending right now, in all jobs or in one (read while the change feed is settling). */
  pendingNow(jobId?: string): number;
  outbox: Outbox;
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
  private tally = { ops: 0, updates: 0 };
  /** The pending units at the last refresh, by key (`op:<opId>` or a change-list key). */
  private lastPending = new Map<string, 'ops' | 'updates'>();
  /** Units a person discarded: they leave without being uploaded. */
  private readonly discarded = new Set<string>();
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

  /** A queued op or a content unit was discarded: it leaves the count without being uploaded. */
  discard(key: string): void {
    this.discarded.add(key);
  }

  /**
   * A job's socket opened or closed (`refused` when the server turned the job away).
   * `answered`: the close came from the server deciding (a refusal, a refused token), so
   * the server is there, whatever else is closed.
   */
  socket(jobId: string, open: boolean, refused: { code: number; reason: string } | null, answered = false): void {
    const was = this.connected;
    const wasRefused = this.refused.has(jobId);
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
    if (wasRefused !== this.refused.has(jobId)) this.sources?.changes.rescan();
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

  /** Content changes made in this device's other tabs: they share the device, so re-read it. */
  otherTabsPending(_n: number): void {
    this.sources?.changes.rescan();
  }

  private pendingOutsideRefused(s: StatusSources): number {
    let n = s.pendingNow();
    for (const jobId of this.refused.keys()) n -= s.pendingNow(jobId);
    return n;
  }

  /** Recomputes the status; says what was uploaded once nothing is pending any more. */
  refresh(): void {
    const s = this.sources;
    if (!s) return;
    const lists = s.outbox.get();
    const changes = s.changes.get();
    const pending = new Map<string, 'ops' | 'updates'>();
    for (const c of changes.pending) pending.set(c.key, 'updates');
    for (const i of lists.queued) pending.set(`op:${i.opId}`, 'ops');
    const failedKeys = new Set([...changes.failed.map((c) => c.key), ...[...lists.errors, ...lists.conflicts].map((i) => `op:${i.opId}`)]);
    for (const [key, kind] of this.lastPending) {
      if (pending.has(key) || failedKeys.has(key)) continue;
      if (this.discarded.delete(key)) continue;
      this.tally[kind]++;
    }
    this.lastPending = pending;
    const failedBlobs = changes.failed.filter((c) => c.blob).length;
    this.status.set(
      syncStatusOf({
        // Only a durable ack clears the count: a change made a moment ago is known to the
        // job docs before the feed has re-read the device, so while it settles the count
        // never reads 0 with something pending (the exact units follow with the re-read).
        // A refused job's changes are failed, not pending: they do not hold the count up.
        pendingUpdates: s.changes.settling && this.pendingOutsideRefused(s) > 0 ? Math.max(changes.pending.length, 1) : changes.pending.length,
        queuedOps: lists.queued.length,
        queuedBlobs: 0,
        // One decision per job: the steps refused against one server state are one item.
        failedOps: lists.errors.length + groupConflicts(lists.conflicts).length,
        failedBlobs,
        stuckUpdates: changes.failed.length - failedBlobs,
        connected: this.connected,
        signedIn: s.signedIn(),
      }),
    );
    const total = this.tally.ops + this.tally.updates;
    if (total > 0 && this.status.get().pending === 0) {
      const drained = { ...this.tally, blobs: 0, total, message: `${total} pending update${total === 1 ? ' was' : 's were'} uploaded` };
      this.tally = { ops: 0, updates: 0 };
      this.events.drained(drained);
    }
  }
}
