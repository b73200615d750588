/**
 * A job is current while it is open (whatever its window: overdue work is still work), or
 * closed (completed, cancelled) less than some days after its window ended. The board and
 * blob reads keep to current jobs so their cost follows the open work, not the history;
 * `JobFilter.closedAfter` asks the store for them, `isCurrent` tells one apart.
 */
import { OPEN_STATUSES } from '@outpost/shared';
import type { JobRecord } from '../store/store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The `JobFilter.closedAfter` instant for jobs closed at most `days` ago. */
export function closedAfter(days: number, now = Date.now()): string {
  return new Date(now - days * DAY_MS).toISOString();
}

/** Whether `job` is current as of a `closedAfter` instant (what the store's filter keeps). */
export function isCurrent(job: JobRecord, since: string): boolean {
  return OPEN_STATUSES.includes(job.status) || job.windowEnd > since;
}
