/**
 * One open job on this device: its Y.Doc persisted in IndexedDB (JobDocStore), its presence, its
 * relay connection and its pending updates. Reads and writes always hit the local doc;
 * the connection only catches up.
 */
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { newJobDoc, readJob, type DecodedMessage, type JobContent } from '@outpost/shared';
import { jobDbName } from '../storage/device-db';
import { JobDocStore } from '../storage/job-doc-store';
import type { DeviceStorage } from '../storage/device-storage';
import { JobConnection, type WebSocketLike } from '../sync/job-connection';
import type { JobLinks } from '../sync/job-link';
import { changeTarget, WHOLE_DOC } from './change-target';
import { hasContent, summarizeMerge, type MergeSummary } from './merge-summary';
import { Observable, type Watchable } from '../observable';
import { PendingUpdates } from './pending-updates';

/** What a job session reports to the engine. */
export interface JobSessionEvents {
  /** The job's pending count (in changes) moved; `acked` changes just became wholly durable. */
  pendingChanged(jobId: string, count: number, acked: number): void;
  /** The socket opened or closed; `code` is the close code (0 when it opened), `refused` set when the server refused the job. */
  connection(jobId: string, open: boolean, refused: { code: number; reason: string; error: string | null } | null, code: number): void;
  merged(summary: MergeSummary): void;
  message(jobId: string, msg: DecodedMessage): void;
  synced(jobId: string): void;
  /** A write of unsynced work to the device failed (`error`), or all of `source` is stored again (null). */
  storageWrite(source: string, error: unknown): void;
}

/** Options of a job session. */
export interface JobSessionOptions {
  jobId: string;
  deviceName: string;
  db: DeviceStorage;
  /** How the job reaches the relay: the device channel, or a socket per job from `relayUrl`. */
  links?: JobLinks;
  WebSocket: WebSocketLike;
  relayUrl: (jobId: string) => string | null;
  events: JobSessionEvents;
  /** See JobConnection: replace a socket whose content goes unacked this long. */
  ackTimeoutMs?: number;
}

/** Origin of updates that came from another tab of this device. */
export const TAB_ORIGIN = Symbol('outpost-tab');
/** Origin of this device's pending updates applied to the doc when they are loaded (stored in the doc, not recorded again). */
const PENDING_ORIGIN = Symbol('outpost-pending');

/** A job doc with its storage, presence and connection. */
export class JobSession {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly pending: PendingUpdates;
  readonly connection: JobConnection;
  /** What this device's not-yet-durable updates touched (see PendingUpdates.unsentTargets). */
  readonly unsent: Watchable<readonly string[]>;
  private readonly unsentTargets = new Observable<readonly string[]>([]);
  private readonly persistence: JobDocStore;
  /** Holders waiting for `synced` to change (handle.whenSynced / onSynced). */
  private readonly syncWatchers = new Set<(synced: boolean) => void>();
  private toldSynced = false;
  private beforeSync: JobContent | null = null;
  private readonly tabs: BroadcastChannel | null;
  /** What each local transaction touched, named before Yjs collects deleted elements. */
  private readonly targets = new WeakMap<Y.Transaction, string>();

  private constructor(private readonly options: JobSessionOptions) {
    this.doc = newJobDoc(options.jobId);
    this.awareness = new Awareness(this.doc);
    this.persistence = new JobDocStore(jobDbName(options.deviceName, options.jobId), this.doc, (error) => options.events.storageWrite(`job ${options.jobId}`, error));
    this.unsent = this.unsentTargets;
    const pendingChanged = (jobId: string, count: number, acked: number) => {
      this.unsentTargets.set(this.pending.unsentTargets());
      options.events.pendingChanged(jobId, count, acked);
    };
    this.pending = new PendingUpdates(
      options.db,
      options.jobId,
      pendingChanged,
      (jobId, error) => options.events.storageWrite(`pending ${jobId}`, error),
      () => this.persistence.flushed(),
    );
    this.connection = new JobConnection({
      jobId: options.jobId,
      doc: this.doc,
      awareness: this.awareness,
      links: options.links,
      WebSocket: options.WebSocket,
      relayUrl: options.relayUrl,
      ackTimeoutMs: options.ackTimeoutMs,
      unackedChanges: () => this.pending.unackedChanges(),
      events: {
        step2Sent: (socket, n) => this.pending.coverAll(socket, n),
        durableAck: (socket, upTo) => this.pending.ack(socket, upTo),
        opened: () => {
          this.beforeSync = readJob(this.doc);
          options.events.connection(options.jobId, true, null, 0);
        },
        synced: () => this.afterSync(),
        closed: (_socket, code) => {
          this.tellSynced(false);
          options.events.connection(options.jobId, false, this.connection.refused, code);
        },
        message: (msg) => options.events.message(options.jobId, msg),
      },
    });
    // Other tabs of this device edit the same job: share their updates live, offline too.
    this.tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`${jobDbName(options.deviceName, options.jobId)}`) : null;
    if (this.tabs) this.tabs.onmessage = (e: MessageEvent) => this.onTabUpdate(e.data);
  }

  /** Starts recording this tab's own updates: once the doc is loaded (see JobDocStore.load, why not before). */
  private listen(): void {
    this.doc.on('afterTransaction', this.onTransaction);
    this.doc.on('update', this.onUpdate);
  }

  /** Opens a job: loads its doc and pending updates from the device, then connects. Rejects (and cleans up) when the device cannot. */
  static async open(options: JobSessionOptions): Promise<JobSession> {
    const session = new JobSession(options);
    try {
      // Read together; the pending updates are applied once the doc is there (see applyPending).
      const [, loaded] = await Promise.all([session.persistence.loaded, session.pending.load()]);
      session.applyPending(loaded.unstored);
      session.listen();
    } catch (error) {
      await session.destroy().catch(() => undefined); // the open's own error is the one to report
      throw error;
    }
    session.connection.start();
    return session;
  }

  /**
   * Counts the updates earlier sessions (or a tab that closed) left pending, and applies
   * them to the doc: they are this device's unsynced work, kept apart from the doc's own
   * store, so a doc write a full disk refused is still made good. Resolves to how many.
   */
  async loadPending(): Promise<number> {
    const loaded = await this.pending.load();
    this.applyPending(loaded.unstored);
    return loaded.added;
  }

  /**
   * Applies loaded pending updates the doc's own store may lack (records not marked `inDoc`):
   * only what the doc lacks of them — a diff against its state vector (the new structs, if
   * any, and the delete sets), not a replay of every update; the result is the same as
   * applying them whole. What they add is stored in the doc's store too (PENDING_ORIGIN is
   * not the store's own origin), so their next merge can be marked `inDoc`.
   */
  private applyPending(updates: readonly Uint8Array[]): void {
    if (updates.length > 0) {
      const known = Y.encodeStateVector(this.doc);
      Y.transact(this.doc, () => updates.forEach((u) => Y.applyUpdate(this.doc, Y.diffUpdate(u, known))), PENDING_ORIGIN);
    }
    this.pending.appliedToDoc();
  }

  /** True once the server's state was merged on the current connection. */
  get synced(): boolean {
    return this.connection.synced;
  }

  /** Calls `listener` whenever `synced` changes; returns the unsubscribe function. */
  onSynced(listener: (synced: boolean) => void): () => void {
    this.syncWatchers.add(listener);
    return () => this.syncWatchers.delete(listener);
  }

  /**
   * Resolves once everything made on this job so far is committed to IndexedDB (the doc
   * and its pending records); rejects with the device's error while it cannot be.
   */
  async flush(): Promise<void> {
    await Promise.all([this.pending.flushed(), this.persistence.flushed()]);
  }

  /** Set while the relay refuses this job (e.g. 4413 `job_full`), with the reason it gave. */
  get refused(): { code: number; reason: string } | null {
    return this.connection.refused;
  }

  /** Closes the connection and the doc; local storage stays. */
  async destroy(): Promise<void> {
    this.doc.off('afterTransaction', this.onTransaction);
    this.doc.off('update', this.onUpdate);
    this.connection.destroy();
    this.tellSynced(false);
    this.syncWatchers.clear();
    this.tabs?.close();
    this.awareness.destroy();
    // A write that still fails was reported to the storage warning when it failed.
    await this.flush().catch(() => undefined);
    await this.persistence.destroy().catch(() => undefined); // a database that never opened has nothing to close
    this.doc.destroy();
  }

  /** True for updates made on this device in this tab (not loaded, relayed or from another tab). */
  private isLocal(origin: unknown): boolean {
    return origin !== this.connection && origin !== this.persistence && origin !== TAB_ORIGIN && origin !== PENDING_ORIGIN;
  }

  private readonly onTransaction = (transaction: Y.Transaction): void => {
    if (this.isLocal(transaction.origin)) this.targets.set(transaction, changeTarget(transaction));
  };

  private readonly onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    // Loaded from this device's storage, or typed in another tab: that tab sends and counts
    // it (forwarding it here could put a gap in that tab's clock on the server, which the
    // relay refuses); this tab's next sync step 2 carries it anyway.
    if (!this.isLocal(origin)) return;
    this.pending.record(update, this.connection.sendUpdate(update), this.targets.get(transaction) ?? WHOLE_DOC);
    this.tabs?.postMessage(update);
  };

  private onTabUpdate(data: unknown): void {
    if (data instanceof Uint8Array) Y.applyUpdate(this.doc, data, TAB_ORIGIN);
  }

  private tellSynced(synced: boolean): void {
    if (synced === this.toldSynced) return;
    this.toldSynced = synced;
    for (const watcher of [...this.syncWatchers]) watcher(synced);
  }

  private afterSync(): void {
    this.tellSynced(true);
    const before = this.beforeSync;
    this.beforeSync = null;
    this.options.events.synced(this.options.jobId);
    if (!before || !hasContent(before)) return;
    const summary = summarizeMerge(this.options.jobId, before, readJob(this.doc));
    if (summary) this.options.events.merged(summary);
  }
}
