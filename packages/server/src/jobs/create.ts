/**
 * Creating a job: its record (workflow state at version 1) and its first doc update
 * (meta, checklist, server map), so every device that opens the job sees the same start.
 */
import { addChecklistItem, newJobDoc, OutpostError, setMeta, writeServerState, type JobStatus } from '@outpost/shared';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import type { JobRecord, Directory, DocLog } from '../store/store';

/** What a dispatcher (or the seed) gives to create a job. */
export interface NewJob {
  id?: string;
  title: string;
  customerId: string;
  siteAddress: string;
  windowStart: string;
  windowEnd: string;
  assignees: string[];
  checklist?: { label: string; required: boolean }[];
  /** The status it starts in (`scheduled`; a request from the field starts `requested`). */
  status?: JobStatus;
  /** Writes more of the first doc update (a request's description, photos, where it came from). */
  content?: (doc: Y.Doc) => void;
}

/** The last job number handed out per store, counted on in memory: the store is asked once (and after a collision). */
const lastJobNumber = new WeakMap<Directory, number>();

/** The next readable job id (`job-1001`, …), read from the store once and counted on from there. */
async function nextJobId(store: Directory, reread: boolean): Promise<string> {
  let last = lastJobNumber.get(store);
  if (last === undefined || reread) {
    // Asked of the store, not found by listing every job (once a process, and again after
    // each collision with another node).
    const highest = await store.highestJobNumber();
    // Creates that read the store at the same time count on from each other (the rest of
    // this function runs without a break), not all from the same highest number.
    last = Math.max(1000, highest, lastJobNumber.get(store) ?? 0);
  }
  lastJobNumber.set(store, last + 1);
  return `job-${last + 1}`;
}

/**
 * Stores a new job under a fresh id. Another node (or a concurrent create) may have taken
 * the number meanwhile: then re-read the highest number and try the next one.
 */
async function createWithFreshId(store: DocLog & Directory, record: Omit<JobRecord, 'id'>): Promise<JobRecord> {
  for (let attempt = 0; ; attempt++) {
    const job = { ...record, id: await nextJobId(store, attempt > 0) };
    try {
      await store.createJob(job);
      return job;
    } catch (err) {
      if (attempt >= 4 || !(await store.getJob(job.id))) throw err;
    }
  }
}

/** Creates a job and its doc; `by` is who created it. */
export async function createJob(store: DocLog & Directory, input: NewJob, by: string, now = new Date()): Promise<JobRecord> {
  if (!(await store.getCustomer(input.customerId))) throw new OutpostError('validation_failed', `No customer ${input.customerId}.`);
  const at = now.toISOString();
  const fields: Omit<JobRecord, 'id'> = {
    title: input.title,
    customerId: input.customerId,
    siteAddress: input.siteAddress,
    windowStart: new Date(input.windowStart).toISOString(),
    windowEnd: new Date(input.windowEnd).toISOString(),
    createdAt: at,
    status: input.status ?? 'scheduled',
    version: 1,
    assignees: [...new Set(input.assignees)],
    changedBy: by,
    changedAt: at,
  };
  let record: JobRecord;
  if (input.id) {
    record = { ...fields, id: input.id };
    await store.createJob(record);
  } else {
    record = await createWithFreshId(store, fields);
  }
  const doc = newJobDoc(record.id);
  const { title, customerId, siteAddress, windowStart, windowEnd } = record;
  setMeta(doc, { title, customerId, siteAddress, windowStart, windowEnd });
  input.checklist?.forEach((item, i) => addChecklistItem(doc, { id: `${record.id}-check-${i + 1}-${randomUUID().slice(0, 8)}`, ...item }));
  input.content?.(doc);
  const { status, version, assignees, changedBy, changedAt } = record;
  writeServerState(doc, { status, version, assignees, changedBy, changedAt });
  const update = Y.encodeStateAsUpdate(doc);
  await store.appendUpdates([{ jobId: record.id, update }]);
  // Kept as a snapshot from the start: a job's first open then reads no log (the SQLite log
  // is read by scanning from the job's first row, store/sqlite/job-log-sql.ts). The doc
  // holds all the job has stored, so it is the snapshot, with no merge.
  await store.compactJobDoc(record.id, { update, stateVector: Y.encodeStateVector(doc) });
  doc.destroy();
  return record;
}
