/**
 * `createOutpost`: the device's sync engine. Its parts (job store, outbox, blob queue,
 * priming, storage safety, tabs) are built and connected by `wireEngine`; the engine holds
 * the signed-in session and answers what spans the parts. Everything a person does lands on
 * the device first; the network only ever catches up.
 */
import { closeAction, serverAnswered, type DecodedMessage, type OpIntent } from '@outpost/shared';
import type { BlobsApi } from '../blobs/photo-desk';
import type { JobAccess } from '../handover/job-access';
import type { JobHandle } from '../jobs/job-store';
import { Emitter, type Watchable } from '../observable';
import type { ChangeLists } from '../outbox/change-feed';
import type { OutboxItem } from '../outbox/outbox';
import type { OutboxApi } from '../outbox/outbox-actions';
import type { Priming } from '../priming/priming';
import type { StorageWatch } from '../storage/storage-watch';
import { newUuid } from '../ids/device-crypto';
import { watchBrowser } from '../sync/browser-events';
import { forgetSession, login, savedSession, type User } from '../sync/session';
import type { SyncStatus } from '../sync/sync-status';
import type { DeviceChange } from '../tabs/tab-channel';
import type { OutpostEvents, OutpostOptions } from './engine-options';
import { warmUpJobCodec } from './codec-warm-up';
import { exportUnsynced, type UnsyncedExport } from './export-unsynced';
import { wireEngine, type EngineParts, type SocketRefusal } from './wire-engine';

export type { OutpostEvents, OutpostOptions } from './engine-options';

/** Creates the engine of one device. Await `engine.ready` before using it. */
export function createOutpost(options: OutpostOptions): OutpostEngine {
  return new OutpostEngine(options);
}

/** The sync engine of one device. */
export class OutpostEngine {
  readonly ready: Promise<void>;
  readonly deviceName: string;
  deviceId = '';
  user: User | null = null;
  readonly status: Watchable<SyncStatus>;
  readonly outbox: OutboxApi;
  readonly blobs: BlobsApi;
  readonly priming: Priming;
  readonly storage: StorageWatch;
  /** Content changes (notes, ticks, photos, …) pending, failed and recently sent. */
  readonly changes: Watchable<ChangeLists>;
  /** Jobs the server no longer lets the signed-in person write, and what became of their work. */
  readonly access: Watchable<JobAccess[]>;

  private readonly events = new Emitter<OutpostEvents>();
  /** Aborted by destroy(): bounded waits end early. */
  private readonly stopping = new AbortController();
  private readonly parts: EngineParts;
  private destroyed = false;
  private expiryTold = false;
  private updateTold = false;
  private readonly unlisten: (() => void)[] = [];

  constructor(private readonly options: OutpostOptions) {
    this.deviceName = options.deviceName ?? 'default';
    this.parts = wireEngine(options, this.deviceName, {
      deviceId: () => this.deviceId,
      user: () => this.user,
      events: this.events,
      stopping: this.stopping.signal,
      push: (msg) => this.onPush(msg),
      reachable: () => this.onReachable(),
      connection: (jobId, open, refused, code) => this.onConnection(jobId, open, refused, code),
      otherTab: (what) => this.onOtherTab(what),
      sessionExpired: (reason) => this.sessionExpired(reason),
      flush: () => this.flush(),
    });
    ({ board: this.status, outbox: this.outbox, photos: this.blobs, priming: this.priming, storage: this.storage, changes: this.changes, handover: this.access } = this.parts);
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    if (this.options.warmUpCodec ?? typeof requestIdleCallback === 'function') void warmUpJobCodec({ signal: this.stopping.signal });
    this.deviceId = (await this.parts.db.get<string>('meta', 'deviceId')) ?? `${this.deviceName.slice(0, 60)}:${newUuid()}`;
    await this.parts.db.put('meta', 'deviceId', this.deviceId);
    await Promise.all([this.parts.outboxStore.reload(), this.parts.blobQueue.refresh(), this.priming.reload(), this.parts.handover.reload()]);
    await this.parts.changes.scanNow();
    this.parts.board.attach({
      changes: this.parts.changes,
      pendingNow: (jobId) => this.parts.jobs.pendingCount(jobId),
      outbox: this.parts.outboxStore,
      signedIn: () => this.user !== null,
    });
    const session = await savedSession(this.parts.db);
    if (session) this.useSession(session.token, session.user);
    await this.parts.jobs.resumePending();
    this.unlisten.push(
      this.parts.outboxStore.subscribe(() => this.parts.refreshStatus()),
      this.parts.blobQueue.unsentList.subscribe(() => this.parts.changes.rescan()),
      this.parts.changes.subscribe(() => this.parts.refreshStatus()),
    );
    this.unlisten.push(
      watchBrowser({
        online: () => this.syncNow(),
        offline: () => {
          // The shared socket may look open for a while after the network went: drop it with the jobs.
          this.parts.channel?.reset();
          void this.parts.jobs.dropAll();
        },
        // The tabs that stay take over this tab's pending updates.
        leaving: () => this.parts.tabs.leave(),
      }),
    );
    this.parts.refreshStatus();
    void this.storage.start();
    this.parts.catchUp.start();
  }

  /** Subscribes to an engine event; returns the unsubscribe function. */
  on<K extends keyof OutpostEvents>(name: K, listener: (payload: OutpostEvents[K]) => void): () => void {
    return this.events.on(name, listener);
  }

  /** Signs in; the session is kept on the device. */
  async login(username: string, password: string): Promise<User> {
    await this.ready;
    const session = await login(this.parts.http, this.parts.db, username, password);
    this.useSession(session.token, session.user);
    this.parts.tabs.announce('session');
    return session.user;
  }

  /** Restores the saved session; null when there is none or it expired. */
  async restoreSession(): Promise<User | null> {
    await this.ready;
    const session = await savedSession(this.parts.db);
    if (session) this.useSession(session.token, session.user);
    return this.user;
  }

  /** Forgets the token; unsynced work stays on the device. */
  async logout(): Promise<void> {
    await this.ready;
    await forgetSession(this.parts.db);
    this.parts.http.token = null;
    this.user = null;
    // Sockets carry the old token; they reconnect once someone signs in again.
    this.parts.channel?.hold(false);
    this.parts.channel?.reset();
    await this.parts.jobs.dropAll();
    this.parts.refreshStatus();
  }

  /** Authenticated fetch against the server (dispatcher screens: board, new job). */
  async api(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.parts.http.token) headers.set('authorization', `Bearer ${this.parts.http.token}`);
    return (this.options.fetch ?? globalThis.fetch)(new URL(path, this.options.serverUrl), { ...init, headers });
  }

  /** Opens a job: the same Y.Doc for every holder; call `close()` when done. */
  async openJob(jobId: string): Promise<JobHandle> {
    await this.ready;
    return this.parts.jobs.open(jobId);
  }

  /** Ids of the jobs this engine holds open (by the app, or in the background to sync). */
  openJobIds(): string[] {
    return this.parts.jobs.openJobIds() ?? [];
  }

  /** Why the signed-in person may no longer write this job (taken off it, job gone), or null. */
  jobAccess(jobId: string): JobAccess | null {
    return this.parts.handover.of(jobId);
  }

  /** Asks the server what the office decided about work this person handed over (merged, discarded). */
  async refreshAccess(): Promise<void> {
    await this.ready;
    await this.parts.handover.refreshDecisions();
  }

  /** Queues a workflow op (status change, assign, cancel, reopen) for the job. */
  async submitOp(jobId: string, intent: OpIntent): Promise<OutboxItem> {
    await this.ready;
    return this.outbox.submit(jobId, intent);
  }

  /** Everything not yet durable, as one JSON file a person can keep. */
  async exportUnsynced(): Promise<UnsyncedExport> {
    await this.ready;
    return exportUnsynced({
      db: this.parts.db,
      jobs: this.parts.jobs,
      blobs: this.parts.blobQueue,
      outbox: this.parts.outboxStore,
      deviceName: this.deviceName,
      deviceId: this.deviceId,
      user: this.user,
    });
  }

  /**
   * Resolves once everything made on this device so far is committed to IndexedDB: job
   * docs and their pending records, the outbox, blobs. Writes a full disk refused are tried
   * again; rejects with the device's error while one still cannot be stored (the storage
   * warning says so too, and the work stays in memory, pending).
   */
  async flush(): Promise<void> {
    await this.ready;
    await this.parts.db.settled();
    // After a refused write, one small write shows whether the device takes writes again.
    if (this.storage.get().unsaved) await this.parts.db.put('meta', 'flushedAt', new Date().toISOString());
    const sessions = this.parts.jobs.openJobIds().map((id) => this.parts.jobs.session(id));
    // A job that failed to open holds nothing unsaved: its failure went to whoever opened it.
    const open = (await Promise.allSettled(sessions)).flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    await Promise.all(open.map((session) => session.flush()));
  }

  /** Tries to catch up now (also happens on its own). */
  syncNow(): void {
    this.parts.handover.retry();
    void this.parts.jobs.resumeAll();
    void this.parts.catchUp.kick();
  }

  /** Closes sockets, timers and the device database; the device storage stays. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stopping.abort();
    await this.ready.catch(() => undefined);
    this.parts.http.close();
    await this.parts.catchUp.stop();
    this.storage.stop();
    this.parts.changes.close();
    this.priming.stop();
    for (const u of this.unlisten) u();
    await this.parts.jobs.closeAll();
    this.parts.channel?.close();
    this.parts.blobQueue.revokeUrls();
    await this.parts.lock.stop();
    this.parts.tabs.close();
    this.parts.db.close();
  }

  /** Tells the app once per session that the token no longer works; work stays on the device. */
  private sessionExpired(reason: string): void {
    if (this.expiryTold) return;
    this.expiryTold = true;
    this.events.emit('sessionExpired', { reason });
  }

  private useSession(token: string, user: User): void {
    this.expiryTold = false;
    const newToken = this.parts.http.token !== token;
    this.parts.http.token = token;
    this.user = user;
    this.parts.refreshStatus();
    // The channel carries the token it was opened with: a new one means a new socket.
    if (newToken) this.parts.channel?.reset();
    this.parts.channel?.hold(true);
    // A new token: jobs refused under the old one get another try.
    void this.parts.jobs.lift();
    void this.parts.catchUp.kick();
  }

  private onConnection(jobId: string, open: boolean, refused: SocketRefusal | null, code: number): void {
    const action = refused ? closeAction(refused.code, refused.error) : 'retry';
    if (action === 'sign_in') this.sessionExpired(refused?.reason || 'The server refused the token.');
    if (action === 'update' && !this.updateTold) {
      this.updateTold = true;
      this.events.emit('updateRequired', { reason: refused?.reason || 'Update the app to sync.' });
    }
    // A bad token is the session's problem, not the job's: it does not make the job's edits stuck.
    // A refusal the server explained is an answer even when the socket itself was cut (1006).
    this.parts.board.socket(jobId, open, action === 'refused' ? refused : null, !open && (refused !== null || serverAnswered(code)));
    if (action === 'refused' && refused) {
      void this.parts.handover.refused(jobId, refused.code, refused.error, refused.reason).catch((err: unknown) => console.warn('[outpost] handover failed', err));
    }
  }

  /** A push on the device channel: each means "re-read this", never polled for. */
  /** A push on the device channel: each means "re-read this", never polled for. */
  private onPush(msg: DecodedMessage): void {
    if (msg.name === 'jobNotice') this.events.emit('jobNotice', msg.value);
    else if (msg.name === 'reviewNotice') this.events.emit('reviewNotice', msg.value);
    else if (msg.name === 'requestNotice') this.events.emit('requestNotice', msg.value);
    else if (msg.name === 'handoverNotice') {
      this.events.emit('handoverNotice', msg.value);
      // The office decided about work this person handed over: the job screen's words follow.
      if (msg.value.state !== 'parked') void this.parts.handover.refreshDecisions().catch((err: unknown) => console.warn('[outpost] handover decisions', err));
    } else if (msg.name === 'referenceChanged') {
      const change = msg.value;
      this.priming.applyPush(change).then(
        (changed) => changed && this.events.emit('referenceChanged', change),
        // The cache keeps the old record; the list refresh after the next reconnect re-reads it.
        (err: unknown) => console.warn(`[outpost] could not re-read ${change.kind} ${change.id}`, err),
      );
    }
  }

  private onReachable(): void {
    this.parts.handover.retry();
    void this.parts.catchUp.kick();
    void this.parts.jobs.resumeAll();
    if (this.user && this.priming.get().primedAt && this.priming.isStale()) void this.priming.prime();
  }

  private async onOtherTab(what: DeviceChange): Promise<void> {
    if (what === 'outbox') await this.parts.outboxStore.reload();
    if (what === 'blobs') await this.parts.blobQueue.refresh();
    if (what === 'priming') await this.priming.reload();
    if (what === 'session') await this.restoreSession();
    if (what === 'access') await this.parts.handover.reload();
    this.parts.refreshStatus();
    void this.parts.catchUp.kick();
  }
}
