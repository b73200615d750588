/**
 * The WHERE clauses of the SQLite store's job and equipment listings, built from a filter:
 * only the filter's own conditions (so the planner can take each from its index), each
 * with its parameters. Lists of ids are bound as one JSON array (`json_each`).
 */
import { OPEN_STATUSES } from '@outpost/shared';
import type { EquipmentFilter, JobFilter } from '../store';

/** A conjunction of conditions and their parameters, in order. */
class Where {
  private readonly clauses: string[] = [];
  readonly params: (string | number)[] = [];

  add(clause: string, ...params: (string | number)[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  toString(): string {
    return this.clauses.length === 0 ? '1' : this.clauses.join(' AND ');
  }
}

/** `SELECT * FROM jobs` for a filter, ordered by window start then id. */
export function jobsQuery(filter: JobFilter): { sql: string; params: (string | number)[] } {
  const where = new Where();
  if (filter.from !== undefined) where.add('window_end > ?', filter.from);
  if (filter.to !== undefined) where.add('window_start < ?', filter.to);
  if (filter.assignee !== undefined) where.add('EXISTS (SELECT 1 FROM json_each(jobs.assignees) WHERE value = ?)', filter.assignee);
  if (filter.customerId !== undefined) where.add('customer_id = ?', filter.customerId);
  if (filter.closedAfter !== undefined) {
    where.add(`(status IN (${OPEN_STATUSES.map(() => '?').join(', ')}) OR window_end > ?)`, ...OPEN_STATUSES, filter.closedAfter);
  }
  return { sql: `SELECT * FROM jobs WHERE ${where} ORDER BY window_start, id`, params: where.params };
}

/** `SELECT body FROM equipment` for a filter, ordered by id; a job's equipment by key (`equipment_jobs`, schema step 10). */
export function equipmentQuery(filter: EquipmentFilter): { sql: string; params: (string | number)[] } {
  const where = new Where();
  for (const jobIds of [filter.jobId === undefined ? undefined : [filter.jobId], filter.jobIds]) {
    if (jobIds !== undefined) where.add('id IN (SELECT equipment_id FROM equipment_jobs WHERE job_id IN (SELECT value FROM json_each(?)))', JSON.stringify(jobIds));
  }
  if (filter.customerId !== undefined) where.add('customer_id = ?', filter.customerId);
  if (filter.ids !== undefined) where.add('id IN (SELECT value FROM json_each(?))', JSON.stringify(filter.ids));
  return { sql: `SELECT body FROM equipment WHERE ${where} ORDER BY id`, params: where.params };
}

/** The highest N among job ids `job-N` (NULL when there is none). */
export const HIGHEST_JOB_NUMBER = "SELECT MAX(CAST(substr(id, 5) AS INTEGER)) AS n FROM jobs WHERE id GLOB 'job-[0-9]*' AND substr(id, 5) NOT GLOB '*[^0-9]*'";
