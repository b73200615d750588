/**
 * One open job on this device: its Y.Doc persisted with y-indexeddb, its presence, its
 * relay connection and its pending updates. Reads and writes always hit the local doc;
 * the connection only catches up.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { newJobDoc, readJob, type DecodedMessage, type JobContent } from '@outpost/shared';
import { jobDbName } from '../storage/device-db';
import type { DeviceStorage } from '../storage/device-storage';
import { JobConnection, type WebSocketLike } from '../sync/job-connection';
import { changeTarget, WHOLE_DOC } from './change-target';
import { hasContent, summarizeMerge, type MergeSummary } from './merge-summary';
import { PendingUpdates } from './pending-updates';

/** What a job session reports to the engine. */
export interface JobSessionEvents {
  /** The job's pending count (in changes) moved; `acked` changes just became wholly durable. */
  pendingChanged(jobId: string, count: number, acked: number): void;
  connection(jobId: string, open: boolean, refused: { code: number; reason: string } | null): void;
  merged(summary: MergeSummary): void;
  message(jobId: string, msg: DecodedMessage): void;
  synced(jobId: string): void;
}

/** Options of a job session. */
export interface JobSessionOptions {
  jobId: string;
  deviceName: string;
  db: DeviceStorage;
  WebSocket: WebSocketLike;
  relayUrl: (jobId: string) => string | null;
  events: JobSessionEvents;
  /** See JobConnection: replace a socket whose content goes unacked this long. */
  ackTimeoutMs?: number;
}

/** Origin of updates that came from another tab of this device. */
export const TAB_ORIGIN = Symbol('outpost-tab');

/** A job doc with its storage, presence and connection. */
export class JobSession {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly pending: PendingUpdates;
  readonly connection: JobConnection;
  private readonly persistence: IndexeddbPersistence;
  private beforeSync: JobContent | null = null;
  private readonly tabs: BroadcastChannel | null;
  /** What each local transaction touched, named before Yjs collects deleted elements. */
  private readonly targets = new WeakMap<Y.Transaction, string>();

  private constructor(private readonly o: JobSessionOptions) {
    this.doc = newJobDoc(o.jobId);
    this.awareness = new Awareness(this.doc);
    this.persistence = new IndexeddbPersistence(jobDbName(o.deviceName, o.jobId), this.doc);
    this.pending = new PendingUpdates(o.db, o.jobId, o.events.pendingChanged);
    this.connection = new JobConnection({
      jobId: o.jobId,
      doc: this.doc,
      awareness: this.awareness,
      WebSocket: o.WebSocket,
      relayUrl: o.relayUrl,
      ackTimeoutMs: o.ackTimeoutMs,
      events: {
        step2Sent: (socket, n) => this.pending.coverAll(socket, n),
        durableAck: (socket, upTo) => this.pending.ack(socket, upTo),
        opened: () => {
          this.beforeSync = readJob(this.doc);
          o.events.connection(o.jobId, true, null);
        },
        synced: () => this.onSynced(),
        closed: () => o.events.connection(o.jobId, false, this.connection.refused),
        message: (msg) => o.events.message(o.jobId, msg),
      },
    });
    // Other tabs of this device edit the same job: share their updates live, offline too.
    this.tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`${jobDbName(o.deviceName, o.jobId)}`) : null;
    if (this.tabs) this.tabs.onmessage = (e: MessageEvent) => this.onTabUpdate(e.data);
    this.doc.on('afterTransaction', this.onTransaction);
    this.doc.on('update', this.onUpdate);
  }

  /** Opens a job: loads its doc and pending updates from the device, then connects. */
  static async open(o: JobSessionOptions): Promise<JobSession> {
    const session = new JobSession(o);
    await Promise.all([session.persistence.whenSynced, session.pending.load()]);
    session.connection.start();
    return session;
  }

  /** True once the server's state was merged on the current connection. */
  get synced(): boolean {
    return this.connection.synced;
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
    this.tabs?.close();
    this.awareness.destroy();
    await this.pending.flushed();
    await this.persistence.destroy();
    this.doc.destroy();
  }

  /** True for updates made on this device in this tab (not loaded, relayed or from another tab). */
  private isLocal(origin: unknown): boolean {
    return origin !== this.connection && origin !== this.persistence && origin !== TAB_ORIGIN;
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

  private onSynced(): void {
    const before = this.beforeSync;
    this.beforeSync = null;
    this.o.events.synced(this.o.jobId);
    if (!before || !hasContent(before)) return;
    const summary = summarizeMerge(this.o.jobId, before, readJob(this.doc));
    if (summary) this.o.events.merged(summary);
  }
}
