/**
 * `wireEngine`: builds the parts of one device's engine around one device database and
 * draws every arrow between them, in one place. What belongs to the engine itself — the
 * signed-in session, the app's events, how it answers a socket's refusal, the server coming
 * back or another tab's change — comes in as `EngineHooks`.
 *
 *   ServerHttp ─┬─ BlobQueue ── PhotoDesk (engine.blobs)
 *               ├─ Priming, HandoverDesk (engine.access)
 *   device db ──┼─ Outbox ── OutboxActions (engine.outbox)
 *               ├─ JobStore ── device channel or a socket per job
 *               └─ ChangeFeed ── StatusBoard (engine.status), StorageWatch (engine.storage)
 *   CatchUp (drain lock) drains the Outbox and uploads the BlobQueue; TabChannel keeps tabs in step.
 */
import type { DecodedMessage } from '@outpost/shared';
import { BlobQueue } from '../blobs/blob-queue';
import { PhotoDesk } from '../blobs/photo-desk';
import { HandoverDesk } from '../handover/handover-desk';
import { JobStore } from '../jobs/job-store';
import type { Emitter } from '../observable';
import { ChangeFeed } from '../outbox/change-feed';
import { drainOutbox } from '../outbox/drain';
import { Outbox, type OutboxItem } from '../outbox/outbox';
import { OutboxActions } from '../outbox/outbox-actions';
import { Priming } from '../priming/priming';
import { DeferredStorage } from '../storage/deferred-storage';
import { DeviceDb } from '../storage/device-db';
import { ReportedStorage } from '../storage/reported-storage';
import { StorageWatch } from '../storage/storage-watch';
import { sleep } from '../sync/backoff';
import { ShardedChannels } from '../sync/channel-shards';
import { DeviceChannel } from '../sync/device-channel';
import type { WebSocketLike } from '../sync/job-connection';
import { ServerHttp } from '../sync/server-http';
import { deviceChannelUrl, jobSocketUrl } from '../sync/socket-urls';
import type { User } from '../sync/session';
import { DrainLock } from '../tabs/drain-lock';
import { TabChannel, type DeviceChange } from '../tabs/tab-channel';
import { CatchUp } from './catch-up';
import type { OutpostEvents, OutpostOptions } from './engine-options';
import { StatusBoard } from './status-board';

/** Why the relay refused a job's socket. */
export interface SocketRefusal {
  code: number;
  reason: string;
  error: string | null;
}

/** What the parts ask of the engine. */
export interface EngineHooks {
  /** This device's id ('' until the engine started). */
  deviceId(): string;
  /** The signed-in person, or null. */
  user(): User | null;
  events: Emitter<OutpostEvents>;
  /** Aborted when the engine is destroyed: bounded waits end early. */
  stopping: AbortSignal;
  /** The server pushed a message on the device channel. */
  push(msg: DecodedMessage): void;
  /** The server answered again after a silence. */
  reachable(): void;
  /** A job's socket opened or closed; `refused` says why when the server refused it. */
  connection(jobId: string, open: boolean, refused: SocketRefusal | null, code: number): void;
  /** Another tab of this device changed `what` in the device database. */
  otherTab(what: DeviceChange): Promise<void>;
  /** The server refused the token. */
  sessionExpired(reason: string): void;
  /** Commits everything made so far to the device (the storage warning's retry). */
  flush(): Promise<void>;
}

/** The wired parts of one device's engine. */
export interface EngineParts {
  http: ServerHttp;
  db: ReportedStorage;
  board: StatusBoard;
  tabs: TabChannel;
  /** The persisted outbox lists; `outbox` is what a person does with them. */
  outboxStore: Outbox;
  outbox: OutboxActions;
  blobQueue: BlobQueue;
  photos: PhotoDesk;
  changes: ChangeFeed;
  /** The device channel (null when jobs use a socket each). */
  channel: DeviceChannel | ShardedChannels | null;
  jobs: JobStore;
  priming: Priming;
  storage: StorageWatch;
  handover: HandoverDesk;
  lock: DrainLock;
  catchUp: CatchUp;
  /** Reads the status line and the storage warning again. */
  refreshStatus(): void;
}

/** Builds and connects the parts of the engine of device `deviceName`. */
export function wireEngine(options: OutpostOptions, deviceName: string, hooks: EngineHooks): EngineParts {
  const { events } = hooks;
  const http = new ServerHttp(options.serverUrl, options.fetch ?? globalThis.fetch.bind(globalThis));
  const board = new StatusBoard({ drained: (e) => events.emit('drained', e), reachable: () => hooks.reachable() });
  http.onReachability = (ok) => board.http(ok);
  const factory = options.indexedDB ?? globalThis.indexedDB;
  const opening = factory ? DeviceDb.open(factory, deviceName) : Promise.reject(new Error('No IndexedDB: pass `indexedDB` (e.g. fake-indexeddb in Node).'));
  // Pending records report per job (PendingUpdates keeps and retries them); the priming
  // cache can be fetched again. A refused outbox or blob write rejects to its caller; the
  // warning stays until the device database takes a write again.
  const db = new ReportedStorage(new DeferredStorage(opening), (store, error) => {
    if (store !== 'pending' && store !== 'priming') storage.reportWrite('device database', error);
  });
  const refreshStatus = () => {
    board.refresh();
    storage.recompute();
  };
  /** This tab wrote `what`: other tabs re-read it, and catching up may have work. */
  const changed = (what: 'outbox' | 'blobs' | 'priming') => {
    tabs.announce(what);
    refreshStatus();
    if (what !== 'priming') void catchUp.kick();
  };
  const tabs = new TabChannel(deviceName, {
    // Re-reading what another tab wrote: on failure this tab shows older lists until the next change; nothing is lost.
    changed: (what) => void hooks.otherTab(what).catch((err: unknown) => console.warn(`[outpost] could not follow another tab's ${String(what)} change`, err)),
    othersPending: (n) => board.otherTabsPending(n),
    joined: () => tabs.announcePending(jobs.pendingCount() ?? 0),
    // The closed tab's pending records stay on the device; the next start takes them over.
    left: () => void jobs.resumePending().catch((err: unknown) => console.warn('[outpost] could not resume the pending updates another tab left', err)),
  });
  const outboxStore = new Outbox(db, () => changed('outbox'));
  const blobQueue = new BlobQueue(db, http, () => changed('blobs'));
  const changes = new ChangeFeed(
    db,
    blobQueue,
    () => new Map([...board.refusedJobs()].map(([id, r]) => [id, r.reason || `Refused (${r.code})`])),
    () => jobs.unsavedRecords(),
  );
  const channel = deviceChannelOf(options, http);
  channel?.onPush((msg) => hooks.push(msg));
  channel?.onOpen(() => events.emit('listsStale', {}));
  const jobs = new JobStore({
    db,
    deviceName,
    links: channel ?? undefined,
    WebSocket: webSocketOf(options),
    relayUrl: (jobId) => jobSocketUrl(options.serverUrl, http, jobId),
    idleCloseMs: options.idleCloseMs ?? 30_000,
    ackTimeoutMs: options.ackTimeoutMs,
    events: {
      pendingChanged: () => {
        changes.rescan();
        tabs.announcePending(jobs.pendingCount());
        refreshStatus();
      },
      connection: (jobId, open, refused, code) => hooks.connection(jobId, open, refused, code),
      merged: (summary) => events.emit('mergeSummary', summary),
      message: () => undefined,
      synced: () => undefined,
      storageWrite: (source, error) => storage.reportWrite(source, error),
    },
  });
  /** opId → the job's pending-update mark when the op was queued: the op waits for those updates. */
  const marks = new Map<string, number>();
  const outbox = new OutboxActions(
    outboxStore,
    jobs,
    hooks.deviceId,
    marks,
    () => void catchUp.kick(),
    (opId) => board.discard(`op:${opId}`),
  );
  const photos = new PhotoDesk(
    blobQueue,
    jobs,
    hooks.user,
    () => void catchUp.kick(),
    (key) => {
      board.discard(key);
      changes.discarded(key);
    },
  );
  const handover = new HandoverDesk({
    db,
    api: http,
    deviceId: hooks.deviceId,
    userId: () => hooks.user()?.id ?? null,
    handedOver: async (jobId, keys) => (await jobs.touch(jobId)).pending.forgetHandedOver(keys),
    reassigned: (jobId) => void jobs.lift(jobId),
    changed: () => tabs.announce('access'),
    titleOf: async (jobId) => {
      const title = (await jobs.session(jobId))?.doc.getMap('meta').get('title');
      return typeof title === 'string' ? title : null;
    },
  });
  const priming = new Priming(
    db,
    http,
    (jobId) => syncJobDoc(jobs, handover, jobId, hooks.stopping),
    () => changed('priming'),
    options.primingMaxAgeMs,
  );
  const storage = new StorageWatch(() => board.get().pending + board.get().failed);
  storage.retryWrites = () => hooks.flush();
  const lock = new DrainLock(db, `outpost:${deviceName}:drain`);
  /** A drain or upload pass the server refused the token for: the session has expired. */
  const told = <R extends { stopped: string }>(report: R): R => {
    if (report.stopped === 'signed_out') hooks.sessionExpired('The server refused the token.');
    return report;
  };
  const catchUp = new CatchUp({
    lock,
    intervalMs: options.catchUpIntervalMs ?? 3_000,
    hasWork: () =>
      outboxStore.get().queued.length > 0 ||
      outboxStore.get().errors.some((i) => i.error?.kind === 'transient') ||
      blobQueue.unsentList.get().some((b) => b.state === 'queued' || b.error?.kind === 'transient'),
    connected: () => board.socketsOpen,
    probe: () =>
      http.request('GET', '/healthz', undefined, { timeoutMs: 5_000 }).then(
        (a) => a.status === 200,
        () => false,
      ),
    drainOps: (signal) =>
      drainOutbox({ outbox: outboxStore, api: http, signal, batched: true, flushDependencies: (item) => flushDependencies(jobs, marks, item, signal) }).then(told),
    uploadBlobs: (signal) => blobQueue.upload(signal).then(told),
  });
  return { http, db, board, tabs, outboxStore, outbox, blobQueue, photos, changes, channel, jobs, priming, storage, handover, lock, catchUp, refreshStatus };
}

function webSocketOf(options: OutpostOptions): WebSocketLike {
  return options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketLike);
}

/** One channel for every job (the default), one per shard of jobs, or none (a socket per job). */
function deviceChannelOf(options: OutpostOptions, http: ServerHttp): DeviceChannel | ShardedChannels | null {
  const WebSocket = webSocketOf(options);
  if (options.deviceChannel === false) return null;
  if (options.channelPerShard) return new ShardedChannels({ url: (shard) => deviceChannelUrl(options.serverUrl, http, shard), WebSocket });
  return new DeviceChannel({ url: () => deviceChannelUrl(options.serverUrl, http), WebSocket });
}

/**
 * Waits for the doc updates made before `item` to be durable. Opening the job (if it was
 * closed) and its updates going durable are bounded together: if they cannot get through in
 * time, the server's causal wait (425) decides. Nothing in a drain may wait without an end,
 * or the op waits with it (issue 15).
 */
async function flushDependencies(jobs: JobStore, marks: ReadonlyMap<string, number>, item: OutboxItem, signal: AbortSignal): Promise<void> {
  const durable = jobs.touch(item.jobId).then((session) => session.pending.whenDurable(marks.get(item.opId) ?? session.pending.mark));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  // A job the device cannot open has no updates here to wait for: the op goes, the server's causal wait decides.
  await Promise.race([durable.catch(() => undefined), sleep(5_000, stop.signal)]);
  stop.abort();
  signal.removeEventListener('abort', onAbort);
}

/** Priming one job: open it, sync it with the server (bounded), close it. */
async function syncJobDoc(jobs: JobStore, handover: HandoverDesk, jobId: string, stopping: AbortSignal): Promise<boolean> {
  const handle = await jobs.open(jobId);
  // Priming syncs only jobs the server lists as this person's: a refusal from before is over.
  if (handover.of(jobId)) {
    await handover.forget(jobId);
    await jobs.lift(jobId);
  }
  try {
    // Bounded: priming counts a job that did not sync in time as incomplete, and runs again later.
    const synced = handle.whenSynced().then(
      () => true,
      () => false,
    );
    return await Promise.race([synced, sleep(10_000, stopping).then(() => handle.synced)]);
  } finally {
    handle.close();
  }
}
