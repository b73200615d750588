/**
 * What devices receive about jobs: the job summary, and the priming payload
 * (`GET /api/me/jobs`) with a manifest a device checks its cache against.
 */
import { createHash } from 'node:crypto';
import type { JobSummary, PrimingPayload } from '@outpost/shared';
import { pricebookVersion } from '../reference/pricebook-version';
import type { JobRecord, Directory } from '../store/store';

export type { JobSummary, PrimingPayload };

/** The summary of a stored job. */
export function jobSummary(job: JobRecord): JobSummary {
  const { id, title, customerId, siteAddress, windowStart, windowEnd, status, version, assignees } = job;
  return { id, title, customerId, siteAddress, windowStart, windowEnd, status, version, assignees };
}

/** sha-256 hex of a string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Start of the server's local day containing `now`. */
export function startOfLocalDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/**
 * Jobs whose window overlaps today and the following `days - 1` days (server local
 * time): a technician's assigned jobs, or every job for a dispatcher.
 */
export async function primingPayload(store: Directory, user: { userId: string; role: string }, days: number, now = new Date()): Promise<PrimingPayload> {
  const from = startOfLocalDay(now);
  const to = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  const assignee = user.role === 'technician' ? user.userId : undefined;
  const jobs = (await store.listJobs({ assignee, from: from.toISOString(), to: to.toISOString() })).map(jobSummary).sort(byId);
  const customerIds = [...new Set(jobs.map((j) => j.customerId))];
  const customers = (await store.listCustomers(customerIds)).sort(byId);
  const jobIds = new Set(jobs.map((j) => j.id));
  const equipment = (await store.listEquipment({ jobIds: [...jobIds] })).map((e) => ({ ...e, jobIds: e.jobIds.filter((id) => jobIds.has(id)) })).sort(byId);
  const hash = sha256Hex(JSON.stringify({ jobs, customers, equipment }));
  return {
    generatedAt: now.toISOString(),
    jobs,
    customers,
    equipment,
    manifest: { jobs: jobs.length, customers: customers.length, equipment: equipment.length, hash, pricebook: pricebookVersion(await store.listPricebook()) },
  };
}
