/**
 * Uploading with the app closed (issue 16 item 4): a service worker, woken by Background
 * Sync's `sync` event (or by its own start where that API is missing), drains the same
 * queues the page drains, from the same device database, under the same drain lock — so
 * page and worker never drain at once, and the worker runs only while no page holds it.
 *
 * Order as on the page: a job's pending content first (its ops may depend on it), then the
 * outbox (drain.ts, its ordering and retry rules), then photos and signatures (blob-queue.ts,
 * resumable chunks). Content has no socket here, so each job's pending updates go merged
 * as one `POST /api/jobs/:id/updates`, answered only after the server's commit; the records
 * are deleted only after that answer, so a drop sends them again (Yjs updates are idempotent).
 *
 * Content before ops, as on the page: an op of a job whose content is still on the device
 * (refused, or not sent because the server said "later") is held by the outbox drain — not
 * sent, no attempt counted — with the ops behind it (drain.ts). A transient answer (429 with
 * Retry-After, 408, 425, 5xx) is "later", never a refusal: the drain stops, keeps every
 * record, and reports `retry_later` so the worker's sync event fails and the browser tries
 * again; ops and blobs answered 429 keep their retry schedule (sync/retry-schedule.ts).
 */
import * as Y from 'yjs';
import { BlobQueue } from '../blobs/blob-queue';
import { drainOutbox } from '../outbox/drain';
import { Outbox } from '../outbox/outbox';
import { DeviceDb } from '../storage/device-db';
import type { DeviceStorage } from '../storage/device-storage';
import { ServerHttp, errorOf, Unreachable } from '../sync/server-http';
import { isTransient } from '../sync/retry-schedule';
import { savedSession } from '../sync/session';
import { DrainLock } from '../tabs/drain-lock';
import type { PendingRecord } from '../jobs/pending-updates';

/** Where the worker drains from. */
export interface BackgroundDrainOptions {
  serverUrl: string;
  /** The engine's device name (the page's `createOutpost({ deviceName })`). */
  deviceName: string;
  indexedDB: IDBFactory;
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/** What one background drain did: how many things reached the server, and why it stopped. */
export interface BackgroundReport {
  /** Jobs whose pending content was stored, ops sent, blobs uploaded. */
  content: number;
  ops: number;
  blobs: number;
  /** Ops not sent because their job's content did not reach the server. */
  held: number;
  /**
   * Why it stopped; `retry_later`: the server said "later" (429, 5xx) or something waits
   * for its retry — the worker's sync event should fail so the browser tries again.
   */
  stopped: 'done' | 'unreachable' | 'signed_out' | 'page_draining' | 'no_session' | 'refused' | 'retry_later';
}

/** The total a notification counts ("12 pending updates were uploaded"). */
export function uploadedCount(report: BackgroundReport): number {
  return report.content + report.ops + report.blobs;
}

async function sendContent(db: DeviceStorage, api: ServerHttp): Promise<{ jobs: number; later: boolean; stopped?: BackgroundReport['stopped'] }> {
  const byJob = new Map<string, { keys: IDBValidKey[]; updates: Uint8Array[] }>();
  for (const [key, record] of await db.entries<PendingRecord>('pending')) {
    const entry = byJob.get(record.jobId) ?? { keys: [], updates: [] };
    entry.keys.push(key);
    entry.updates.push(new Uint8Array(record.update));
    byJob.set(record.jobId, entry);
  }
  let jobs = 0;
  let later = false;
  for (const [jobId, { keys, updates }] of byJob) {
    const update = Y.mergeUpdates(updates);
    let answer;
    try {
      answer = await api.request('POST', `/api/jobs/${encodeURIComponent(jobId)}/updates`, { update: toBase64(update) }, { timeoutMs: 60_000 });
    } catch (err) {
      if (err instanceof Unreachable) return { jobs, later, stopped: 'unreachable' };
      throw err;
    }
    if (answer.status === 401) return { jobs, later, stopped: 'signed_out' };
    // "Slow down": nothing more now; every record stays for the next drain.
    if (answer.status === 429) return { jobs, later, stopped: 'retry_later' };
    // "Later" for this job (5xx, 408): its records stay, its ops are held, the other jobs go on.
    if (isTransient(answer.status)) {
      later = true;
      continue;
    }
    if (answer.status !== 200) {
      // A refusal stays pending on the device: the page shows it and a person decides.
      console.warn(`[outpost worker] the server refused job ${jobId}'s pending changes:`, errorOf(answer).message);
      continue;
    }
    for (const key of keys) await db.delete('pending', key);
    jobs++;
  }
  return { jobs, later };
}

/** `'held'` while the job has content on the device the server has not stored. */
async function contentLeft(db: DeviceStorage, jobId: string): Promise<'held' | undefined> {
  return (await db.pendingOf(jobId)).length > 0 ? 'held' : undefined;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Drains the device's queues once, if no page is draining them; see the module comment. */
export async function drainInBackground(options: BackgroundDrainOptions): Promise<BackgroundReport> {
  const report: BackgroundReport = { content: 0, ops: 0, blobs: 0, held: 0, stopped: 'done' };
  const db = await DeviceDb.open(options.indexedDB, options.deviceName);
  const lock = new DrainLock(db, `outpost:${options.deviceName}:drain`);
  try {
    const session = await savedSession(db);
    if (!session) return { ...report, stopped: 'no_session' };
    if (!(await lock.acquire())) return { ...report, stopped: 'page_draining' };
    const api = new ServerHttp(options.serverUrl, options.fetch);
    api.token = session.token;
    const signal = options.signal ?? new AbortController().signal;

    const content = await sendContent(db, api);
    report.content = content.jobs;
    if (content.stopped) return { ...report, stopped: content.stopped };

    // What content could go is durable by now; a job with content left on the device holds its ops.
    const ops = await drainOutbox({ outbox: new Outbox(db, () => undefined), api, signal, flushDependencies: (item) => contentLeft(db, item.jobId) });
    report.ops = ops.sent;
    report.held = ops.held;
    if (ops.stopped === 'unreachable' || ops.stopped === 'signed_out') return { ...report, stopped: ops.stopped };

    const blobs = await new BlobQueue(db, api, () => undefined).upload(signal);
    report.blobs = blobs.uploaded;
    if (blobs.stopped !== 'done') return { ...report, stopped: blobs.stopped };
    // Something answered "later" and waits for its retry: the browser should wake the worker again.
    if (content.later || ops.retryAt !== undefined || blobs.retryAt !== undefined) return { ...report, stopped: 'retry_later' };
    return report;
  } finally {
    await lock.stop();
    db.close();
  }
}
