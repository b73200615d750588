/**
 * Creating a job: its record (workflow state at version 1) and its first doc update
 * (meta, checklist, server map), so every device that opens the job sees the same start.
 */
import { addChecklistItem, newJobDoc, OutpostError, setMeta, writeServerState } from '@outpost/shared';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import type { JobRecord, Store } from '../store/store';

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
}

async function nextJobId(store: Store): Promise<string> {
  const numbers = (await store.listJobs()).map((j) => Number(/^job-(\d+)$/.exec(j.id)?.[1] ?? 0));
  return `job-${Math.max(1000, ...numbers) + 1}`;
}

/** Creates a job and its doc; `by` is who created it. */
export async function createJob(store: Store, input: NewJob, by: string, now = new Date()): Promise<JobRecord> {
  if (!(await store.getCustomer(input.customerId))) throw new OutpostError('validation_failed', `No customer ${input.customerId}.`);
  const at = now.toISOString();
  const record: JobRecord = {
    id: input.id ?? (await nextJobId(store)),
    title: input.title,
    customerId: input.customerId,
    siteAddress: input.siteAddress,
    windowStart: new Date(input.windowStart).toISOString(),
    windowEnd: new Date(input.windowEnd).toISOString(),
    createdAt: at,
    status: 'scheduled',
    version: 1,
    assignees: [...new Set(input.assignees)],
    changedBy: by,
    changedAt: at,
  };
  const doc = newJobDoc(record.id);
  const { title, customerId, siteAddress, windowStart, windowEnd } = record;
  setMeta(doc, { title, customerId, siteAddress, windowStart, windowEnd });
  input.checklist?.forEach((item, i) => addChecklistItem(doc, { id: `${record.id}-check-${i + 1}-${randomUUID().slice(0, 8)}`, ...item }));
  const { status, version, assignees, changedBy, changedAt } = record;
  writeServerState(doc, { status, version, assignees, changedBy, changedAt });
  await store.createJob(record);
  await store.appendUpdates([{ jobId: record.id, update: Y.encodeStateAsUpdate(doc) }]);
  doc.destroy();
  return record;
}
