/**
 * "Export unsynced work": everything on this device that the server does not durably
 * have yet, as one JSON file a person can keep and hand to the office. Doc updates are
 * included as Yjs updates (base64) and, for reading, as the job's notes and checklist.
 */
import { toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { readJob } from '@outpost/shared';
import type { BlobQueue } from '../blobs/blob-queue';
import type { JobStore } from '../jobs/job-store';
import type { PendingRecord } from '../jobs/pending-updates';
import type { Outbox } from '../outbox/outbox';
import type { User } from '../sync/session';
import type { DeviceStorage } from '../storage/device-storage';

/** The exported file. */
export interface UnsyncedExport {
  fileName: string;
  mime: 'application/json';
  text: string;
}

/** What goes into the export. */
export interface ExportSources {
  db: DeviceStorage;
  jobs: JobStore;
  blobs: BlobQueue;
  outbox: Outbox;
  deviceName: string;
  deviceId: string;
  user: User | null;
}

/** Builds the export file. */
export async function exportUnsynced(s: ExportSources): Promise<UnsyncedExport> {
  const records = (await s.db.entries<PendingRecord>('pending')).map(([, r]) => r);
  const byJob = new Map<string, Uint8Array[]>();
  /** Updates per job: a merged record counts those merged into it. */
  const counts = new Map<string, number>();
  for (const r of records) {
    byJob.set(r.jobId, [...(byJob.get(r.jobId) ?? []), new Uint8Array(r.update)]);
    counts.set(r.jobId, (counts.get(r.jobId) ?? 0) + (r.updates ?? 1));
  }
  // Updates a full disk refused live only in memory: the export is where they must not be missing.
  for (const jobId of s.jobs.openJobIds()) {
    const unsaved = (await s.jobs.session(jobId)?.catch(() => undefined))?.pending.unsaved() ?? [];
    if (unsaved.length === 0) continue;
    byJob.set(jobId, [...(byJob.get(jobId) ?? []), ...unsaved]);
    counts.set(jobId, (counts.get(jobId) ?? 0) + unsaved.length);
  }
  const jobs = await Promise.all(
    [...byJob].map(async ([jobId, updates]) => {
      const session = await s.jobs.session(jobId);
      const merged = Y.mergeUpdates(updates);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, session ? Y.encodeStateAsUpdate(session.doc) : merged);
      const job = readJob(doc);
      doc.destroy();
      return {
        jobId,
        pendingUpdates: counts.get(jobId) ?? updates.length,
        update: toBase64(merged),
        notes: job.notes,
        checklist: job.checklist,
        photos: job.photos,
        signature: job.signature,
      };
    }),
  );
  const lists = await s.outbox.reload();
  const blobs = (await s.blobs.unsent()).map((b) => ({ sha256: b.sha256, mime: b.mime, jobId: b.jobId, state: b.state, base64: toBase64(new Uint8Array(b.bytes)) }));
  const exportedAt = new Date().toISOString();
  const file = {
    format: 'outpost-unsynced/1',
    exportedAt,
    device: { name: s.deviceName, id: s.deviceId },
    user: s.user,
    jobs,
    ops: [...lists.queued, ...lists.errors, ...lists.conflicts],
    blobs,
  };
  return {
    fileName: `outpost-unsynced-${s.deviceName}-${exportedAt.replace(/[:.]/g, '-')}.json`,
    mime: 'application/json',
    text: JSON.stringify(file, null, 2),
  };
}
