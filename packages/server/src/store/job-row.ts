/**
 * The `jobs` table's columns, shared by the SQL adapters: one mapping from a row to the
 * job record. Adapters differ only in how `assignees` is stored (a JSON text column in
 * SQLite, a text[] in Postgres), so `A` is that column's type and `decode` reads it.
 */
import type { ServerState } from '@outpost/shared';
import type { JobRecord } from './store';

/** A `jobs` row, with `assignees` stored as `A`. */
export interface JobRow<A = string[]> {
  id: string;
  title: string;
  customer_id: string;
  site_address: string;
  window_start: string;
  window_end: string;
  created_at: string;
  status: string;
  version: number;
  assignees: A;
  changed_by: string | null;
  changed_at: string | null;
}

/** The job record of a row whose assignees column is already a list. */
export function jobFromRow(r: JobRow): JobRecord {
  return {
    id: r.id,
    title: r.title,
    customerId: r.customer_id,
    siteAddress: r.site_address,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    createdAt: r.created_at,
    status: r.status as JobRecord['status'],
    version: r.version,
    assignees: r.assignees,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
  };
}

/** The workflow state of a job. */
export function stateOf(job: Pick<JobRecord, keyof ServerState>): ServerState {
  return { status: job.status, version: job.version, assignees: job.assignees, changedBy: job.changedBy, changedAt: job.changedAt };
}
