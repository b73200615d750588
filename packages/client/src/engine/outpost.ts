/**
 * `createOutpost`: the device's sync engine. It wires the job store, the outbox, the blob
 * queue, priming, storage safety and tabs around one device database. Everything a person
 * does lands on the device first; the network only ever catches up.
 */
import { closeAction, DEVICE_CHANNEL_PATH, PROTOCOL_VERSION, serverAnswered, type JobNotice, type OpIntent } from '@outpost/shared';
import { BlobQueue } from '../blobs/blob-queue';
import { HandoverDesk } from '../handover/handover-desk';
import type { JobAccess } from '../handover/job-access';
import { JobStore, type JobHandle } from '../jobs/job-store';
import type { MergeSummary } from '../jobs/merge-summary';
import { Emitter, type Watchable } from '../observable';
import { ChangeFeed, type ChangeLists } from '../outbox/change-feed';
import { drainOutbox } from '../outbox/drain';
import { Outbox, type OutboxItem } from '../outbox/outbox';
import { OutboxActions, type OutboxApi } from '../outbox/outbox-actions';
import { PhotoDesk, type BlobsApi } from '../blobs/photo-desk';
import { Priming } from '../priming/priming';
import { DeferredStorage } from '../storage/deferred-storage';
import { DeviceDb } from '../storage/device-db';
import { ReportedStorage } from '../storage/reported-storage';
import { exportUnsynced, type UnsyncedExport } from './export-unsynced';
import { StorageWatch } from '../storage/storage-watch';
import { ServerHttp } from '../sync/server-http';
import { sleep } from '../sync/backoff';
import { watchBrowser } from '../sync/browser-events';
import { newUuid } from '../ids/device-crypto';
import { CatchUp } from './catch-up';
import { ShardedChannels } from '../sync/channel-shards';
import { DeviceChannel } from '../sync/device-channel';
import type { WebSocketLike } from '../sync/job-connection';
import { forgetSession, login, savedSession, type User } from '../sync/session';
import { StatusBoard, type DrainedEvent } from './status-board';
import type { SyncStatus } from '../sync/sync-status';
import { DrainLock } from '../tabs/drain-lock';
import { TabChannel } from '../tabs/tab-channel';

/** Options of `createOutpost`. */
export interface OutpostOptions {
  /** http(s) base URL of the server; the relay URL is derived from it. */
  serverUrl: string;
  /** Device storage namespace. */
  deviceName?: string;
  WebSocket?: WebSocketLike;
  indexedDB?: IDBFactory;
  fetch?: typeof fetch;
  /** Close an unused, fully synced job after this long. */
  idleCloseMs?: number;
  /** How often waiting work is retried while nothing else triggers it. */
  catchUpIntervalMs?: number;
  /** Replace a relay socket whose updates go unacked this long (default 15 s): a half-open connection. */
  ackTimeoutMs?: number;
  /**
   * One socket for every job (`/device`, the default), or false for a socket per job on
   * `/sync/:jobId` (servers before the device channel).
   */
  deviceChannel?: boolean;
  /**
   * Behind a load balancer that routes by job id (docs/scaling.md): one device channel per
   * shard of jobs (`/device?shard=<last character of the job id>`), so each job's traffic
   * lands on the job's node. Default false: one channel for every job.
   */
  channelPerShard?: boolean;
  /** Re-prime when the server becomes reachable and the cache is older than this (10 min). */
  primingMaxAgeMs?: number;
}

/** Engine events. */
export interface OutpostEvents extends Record<string, unknown> {
  /** A drain finished and everything is uploaded: what went up since the last one. */
  drained: DrainedEvent;
  /** After a reconnect: what others changed in an open job. */
  mergeSummary: MergeSummary;
  /** The server refused the token: sign in again. */
  sessionExpired: { reason: string };
  /** Pushed by the server: a job concerning this user was assigned, unassigned, created, cancelled or changed. */
  jobNotice: JobNotice;
  /** The server needs a newer app (close 4426): nothing syncs until the app is updated; work stays on the device. */
  updateRequired: { reason: string };
  /** The device channel (re)connected: pushes may have been missed, so lists are read again in full. */
  listsStale: Record<string, never>;
}

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

  private readonly board = new StatusBoard({
    drained: (e) => this.events.emit('drained', e),
    reachable: () => this.onReachable(),
  });
  private readonly events = new Emitter<OutpostEvents>();
  private readonly http: ServerHttp;
  private readonly db: ReportedStorage;
  private readonly jobs: JobStore;
  /** The device channel (null when jobs use a socket each). */
  private readonly channel: DeviceChannel | ShardedChannels | null;
  private readonly box: Outbox;
  private readonly blobQueue: BlobQueue;
  private readonly feed: ChangeFeed;
  private readonly catchUp: CatchUp;
  private readonly lock: DrainLock;
  private readonly desk: HandoverDesk;
  private readonly tabs: TabChannel;
  private readonly marks = new Map<string, number>();
  private destroyed = false;
  /** Aborted by destroy(): bounded waits end early. */
  private readonly stopping = new AbortController();
  private expiryTold = false;
  private updateTold = false;
  private readonly unlisten: (() => void)[] = [];

  constructor(private readonly o: OutpostOptions) {
    this.deviceName = o.deviceName ?? 'default';
    this.status = this.board;
    this.http = new ServerHttp(o.serverUrl, o.fetch ?? globalThis.fetch.bind(globalThis));
    this.http.onReachability = (ok) => this.board.http(ok);
    const factory = o.indexedDB ?? globalThis.indexedDB;
    const opening = factory ? DeviceDb.open(factory, this.deviceName) : Promise.reject(new Error('No IndexedDB: pass `indexedDB` (e.g. fake-indexeddb in Node).'));
    // Pending records report per job (PendingUpdates keeps and retries them); the priming
    // cache can be fetched again. A refused outbox or blob write rejects to its caller; the
    // warning stays until the device database takes a write again.
    this.db = new ReportedStorage(new DeferredStorage(opening), (store, error) => {
      if (store !== 'pending' && store !== 'priming') this.storage.reportWrite('device database', error);
    });
    this.tabs = new TabChannel(this.deviceName, {
      // Re-reading what another tab wrote: on failure this tab shows older lists until the next change; nothing is lost.
      changed: (what) => void this.onOtherTab(what).catch(() => undefined),
      othersPending: (n) => this.board.otherTabsPending(n),
      joined: () => this.tabs.announcePending(this.jobs.pendingCount() ?? 0),
      // The closed tab's pending records stay on the device; the next start takes them over.
      left: () => void this.jobs.resumePending().catch(() => undefined),
    });
    this.box = new Outbox(this.db, () => this.changed('outbox'));
    this.blobQueue = new BlobQueue(this.db, this.http, () => this.changed('blobs'));
    this.feed = new ChangeFeed(
      this.db,
      this.blobQueue,
      () => new Map([...this.board.refusedJobs()].map(([id, r]) => [id, r.reason || `Refused (${r.code})`])),
      () => this.jobs.unsavedRecords(),
    );
    this.changes = this.feed;
    const WebSocketCtor = this.o.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketLike);
    this.channel =
      o.deviceChannel === false
        ? null
        : o.channelPerShard
          ? new ShardedChannels({ url: (shard) => this.channelUrl(shard), WebSocket: WebSocketCtor })
          : new DeviceChannel({ url: () => this.channelUrl(), WebSocket: WebSocketCtor });
    this.channel?.onPush((msg) => {
      if (msg.name === 'jobNotice') this.events.emit('jobNotice', msg.value);
    });
    this.channel?.onOpen(() => this.events.emit('listsStale', {}));
    this.jobs = new JobStore({
      db: this.db,
      deviceName: this.deviceName,
      links: this.channel ?? undefined,
      WebSocket: WebSocketCtor,
      relayUrl: (jobId) => this.relayUrl(jobId),
      idleCloseMs: this.o.idleCloseMs ?? 30_000,
      ackTimeoutMs: this.o.ackTimeoutMs,
      events: {
        pendingChanged: () => {
          this.feed.rescan();
          this.tabs.announcePending(this.jobs.pendingCount());
          this.refreshStatus();
        },
        connection: (jobId, open, refused, code) => this.onConnection(jobId, open, refused, code),
        merged: (summary) => this.events.emit('mergeSummary', summary),
        message: () => undefined,
        synced: () => undefined,
        storageWrite: (source, error) => this.storage.reportWrite(source, error),
      },
    });
    this.outbox = new OutboxActions(this.box, this.jobs, () => this.deviceId, this.marks, () => void this.catchUp.kick(), (opId) => this.board.discard(`op:${opId}`));
    this.blobs = new PhotoDesk(this.blobQueue, this.jobs, () => this.user, () => void this.catchUp.kick(), (key) => {
      this.board.discard(key);
      this.feed.discarded(key);
    });
    this.priming = new Priming(this.db, this.http, (jobId) => this.syncJobDoc(jobId), () => this.changed('priming'), this.o.primingMaxAgeMs);
    this.storage = new StorageWatch(() => this.board.get().pending + this.board.get().failed);
    this.storage.retryWrites = () => this.flush();
    this.access = this.desk = new HandoverDesk({
      db: this.db,
      api: this.http,
      deviceId: () => this.deviceId,
      userId: () => this.user?.id ?? null,
      handedOver: async (jobId, keys) => (await this.jobs.touch(jobId)).pending.forgetHandedOver(keys),
      reassigned: (jobId) => void this.jobs.lift(jobId),
      changed: () => this.tabs.announce('access'),
      titleOf: async (jobId) => {
        const title = (await this.jobs.session(jobId))?.doc.getMap('meta').get('title');
        return typeof title === 'string' ? title : null;
      },
    });
    this.lock = new DrainLock(this.db, `outpost:${this.deviceName}:drain`);
    this.catchUp = new CatchUp({
      lock: this.lock,
      intervalMs: this.o.catchUpIntervalMs ?? 3_000,
      hasWork: () =>
        this.box.get().queued.length > 0 || this.box.get().errors.some((i) => i.error?.kind === 'transient') ||
        this.blobQueue.unsentList.get().some((b) => b.state === 'queued' || b.error?.kind === 'transient'),
      connected: () => this.board.socketsOpen,
      probe: () => this.http.request('GET', '/healthz', undefined, { timeoutMs: 5_000 }).then((a) => a.status === 200, () => false),
      drainOps: (signal) => drainOutbox({ outbox: this.box, api: this.http, signal, batched: true, flushDependencies: (item) => this.flushDependencies(item, signal) }).then((r) => {
        if (r.stopped === 'signed_out') this.sessionExpired('The server refused the token.');
        return r;
      }),
      uploadBlobs: (signal) =>
        this.blobQueue.upload(signal).then((r) => {
          if (r.stopped === 'signed_out') this.sessionExpired('The server refused the token.');
          return r;
        }),
    });
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    this.deviceId = (await this.db.get<string>('meta', 'deviceId')) ?? `${this.deviceName.slice(0, 60)}:${newUuid()}`;
    await this.db.put('meta', 'deviceId', this.deviceId);
    await Promise.all([this.box.reload(), this.blobQueue.refresh(), this.priming.reload(), this.desk.reload()]);
    await this.feed.scanNow();
    this.board.attach({ changes: this.feed, pendingNow: () => this.jobs.pendingCount(), outbox: this.box, signedIn: () => this.user !== null });
    const session = await savedSession(this.db);
    if (session) this.useSession(session.token, session.user);
    await this.jobs.resumePending();
    this.unlisten.push(
      this.box.subscribe(() => this.refreshStatus()),
      this.blobQueue.unsentList.subscribe(() => this.feed.rescan()),
      this.feed.subscribe(() => this.refreshStatus()),
    );
    this.unlisten.push(
      watchBrowser({
        online: () => this.syncNow(),
        offline: () => {
          // The shared socket may look open for a while after the network went: drop it with the jobs.
          this.channel?.reset();
          void this.jobs.dropAll();
        },
        // The tabs that stay take over this tab's pending updates.
        leaving: () => this.tabs.leave(),
      }),
    );
    this.refreshStatus();
    void this.storage.start();
    this.catchUp.start();
  }

  /** Subscribes to an engine event; returns the unsubscribe function. */
  on<K extends keyof OutpostEvents>(name: K, listener: (payload: OutpostEvents[K]) => void): () => void {
    return this.events.on(name, listener);
  }

  /** Signs in; the session is kept on the device. */
  async login(username: string, password: string): Promise<User> {
    await this.ready;
    const session = await login(this.http, this.db, username, password);
    this.useSession(session.token, session.user);
    this.tabs.announce('session');
    return session.user;
  }

  /** Restores the saved session; null when there is none or it expired. */
  async restoreSession(): Promise<User | null> {
    await this.ready;
    const session = await savedSession(this.db);
    if (session) this.useSession(session.token, session.user);
    return this.user;
  }

  /** Forgets the token; unsynced work stays on the device. */
  async logout(): Promise<void> {
    await this.ready;
    await forgetSession(this.db);
    this.http.token = null;
    this.user = null;
    // Sockets carry the old token; they reconnect once someone signs in again.
    this.channel?.hold(false);
    this.channel?.reset();
    await this.jobs.dropAll();
    this.refreshStatus();
  }

  /** Authenticated fetch against the server (dispatcher screens: board, new job). */
  async api(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.http.token) headers.set('authorization', `Bearer ${this.http.token}`);
    return (this.o.fetch ?? globalThis.fetch)(new URL(path, this.o.serverUrl), { ...init, headers });
  }

  /** Opens a job: the same Y.Doc for every holder; call `close()` when done. */
  async openJob(jobId: string): Promise<JobHandle> {
    await this.ready;
    return this.jobs.open(jobId);
  }

  /** Ids of the jobs this engine holds open (by the app, or in the background to sync). */
  openJobIds(): string[] {
    return this.jobs.openJobIds() ?? [];
  }

  /** Why the signed-in person may no longer write this job (taken off it, job gone), or null. */
  jobAccess(jobId: string): JobAccess | null {
    return this.desk.of(jobId);
  }

  /** Asks the server what the office decided about work this person handed over (merged, discarded). */
  async refreshAccess(): Promise<void> {
    await this.ready;
    await this.desk.refreshDecisions();
  }

  /** Queues a workflow op (status change, assign, cancel, reopen) for the job. */
  async submitOp(jobId: string, intent: OpIntent): Promise<OutboxItem> {
    await this.ready;
    return this.outbox.submit(jobId, intent);
  }

  /** Everything not yet durable, as one JSON file a person can keep. */
  async exportUnsynced(): Promise<UnsyncedExport> {
    await this.ready;
    return exportUnsynced({ db: this.db, jobs: this.jobs, blobs: this.blobQueue, outbox: this.box, deviceName: this.deviceName, deviceId: this.deviceId, user: this.user });
  }

  /**
   * Resolves once everything made on this device so far is committed to IndexedDB: job
   * docs and their pending records, the outbox, blobs. Writes a full disk refused are tried
   * again; rejects with the device's error while one still cannot be stored (the storage
   * warning says so too, and the work stays in memory, pending).
   */
  async flush(): Promise<void> {
    await this.ready;
    await this.db.settled();
    // After a refused write, one small write shows whether the device takes writes again.
    if (this.storage.get().unsaved) await this.db.put('meta', 'flushedAt', new Date().toISOString());
    const sessions = this.jobs.openJobIds().map((id) => this.jobs.session(id));
    // A job that failed to open holds nothing unsaved: its failure went to whoever opened it.
    const open = (await Promise.allSettled(sessions)).flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    await Promise.all(open.map((session) => session.flush()));
  }

  /** Tries to catch up now (also happens on its own). */
  syncNow(): void {
    this.desk.retry();
    void this.jobs.resumeAll();
    void this.catchUp.kick();
  }

  /** Closes sockets, timers and the device database; the device storage stays. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stopping.abort();
    await this.ready.catch(() => undefined);
    this.http.close();
    await this.catchUp.stop();
    this.storage.stop();
    this.feed.close();
    this.priming.stop();
    for (const u of this.unlisten) u();
    await this.jobs.closeAll();
    this.channel?.close();
    this.blobQueue.revokeUrls();
    await this.lock.stop();
    this.tabs.close();
    this.db.close();
  }

  private channelUrl(shard?: string): string | null {
    if (!this.http.token) return null;
    const url = new URL(DEVICE_CHANNEL_PATH, this.o.serverUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // First, so a load balancer's regex finds it at a fixed place (docs/scaling.md).
    if (shard) url.searchParams.set('shard', shard);
    url.searchParams.set('token', this.http.token);
    url.searchParams.set('v', String(PROTOCOL_VERSION));
    return url.toString();
  }

  private relayUrl(jobId: string): string | null {
    if (!this.http.token) return null;
    const url = new URL(`/sync/${encodeURIComponent(jobId)}`, this.o.serverUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.http.token);
    url.searchParams.set('acks', '1');
    return url.toString();
  }

  /** Tells the app once per session that the token no longer works; work stays on the device. */
  private sessionExpired(reason: string): void {
    if (this.expiryTold) return;
    this.expiryTold = true;
    this.events.emit('sessionExpired', { reason });
  }

  private useSession(token: string, user: User): void {
    this.expiryTold = false;
    const newToken = this.http.token !== token;
    this.http.token = token;
    this.user = user;
    this.refreshStatus();
    // The channel carries the token it was opened with: a new one means a new socket.
    if (newToken) this.channel?.reset();
    this.channel?.hold(true);
    // A new token: jobs refused under the old one get another try.
    void this.jobs.lift();
    void this.catchUp.kick();
  }

  private onConnection(jobId: string, open: boolean, refused: { code: number; reason: string; error: string | null } | null, code: number): void {
    const action = refused ? closeAction(refused.code, refused.error) : 'retry';
    if (action === 'sign_in') this.sessionExpired(refused?.reason || 'The server refused the token.');
    if (action === 'update' && !this.updateTold) {
      this.updateTold = true;
      this.events.emit('updateRequired', { reason: refused?.reason || 'Update the app to sync.' });
    }
    // A bad token is the session's problem, not the job's: it does not make the job's edits stuck.
    // A refusal the server explained is an answer even when the socket itself was cut (1006).
    this.board.socket(jobId, open, action === 'refused' ? refused : null, !open && (refused !== null || serverAnswered(code)));
    if (action === 'refused' && refused) {
      void this.desk.refused(jobId, refused.code, refused.error, refused.reason).catch((err: unknown) => console.warn('[outpost] handover failed', err));
    }
  }

  private onReachable(): void {
    this.desk.retry();
    void this.catchUp.kick();
    void this.jobs.resumeAll();
    if (this.user && this.priming.get().primedAt && this.priming.isStale()) void this.priming.prime();
  }

  private async flushDependencies(item: OutboxItem, signal: AbortSignal): Promise<void> {
    // Opening the job (if it was closed) and its updates going durable, together bounded: if
    // they cannot get through in time, the server's causal wait (425) decides. Nothing in a
    // drain may wait without an end, or the op waits with it (issue 15).
    const durable = this.jobs.touch(item.jobId).then((session) => session.pending.whenDurable(this.marks.get(item.opId) ?? session.pending.mark));
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // A job the device cannot open has no updates here to wait for: the op goes, the server's causal wait decides.
    await Promise.race([durable.catch(() => undefined), sleep(5_000, stop.signal)]);
    stop.abort();
    signal.removeEventListener('abort', onAbort);
  }

  private async syncJobDoc(jobId: string): Promise<boolean> {
    const handle = await this.jobs.open(jobId);
    // Priming syncs only jobs the server lists as this person's: a refusal from before is over.
    if (this.desk.of(jobId)) {
      await this.desk.forget(jobId);
      await this.jobs.lift(jobId);
    }
    try {
      // Bounded: priming counts a job that did not sync in time as incomplete, and runs again later.
      const synced = handle.whenSynced().then(() => true, () => false);
      return await Promise.race([synced, sleep(10_000, this.stopping.signal).then(() => handle.synced)]);
    } finally {
      handle.close();
    }
  }

  private refreshStatus(): void {
    this.board.refresh();
    this.storage.recompute();
  }

  private changed(what: 'outbox' | 'blobs' | 'priming'): void {
    this.tabs.announce(what);
    this.refreshStatus();
    if (what !== 'priming') void this.catchUp.kick();
  }

  private async onOtherTab(what: string): Promise<void> {
    if (what === 'outbox') await this.box.reload();
    if (what === 'blobs') await this.blobQueue.refresh();
    if (what === 'priming') await this.priming.reload();
    if (what === 'session') await this.restoreSession();
    if (what === 'access') await this.desk.reload();
    this.refreshStatus();
    void this.catchUp.kick();
  }
}
