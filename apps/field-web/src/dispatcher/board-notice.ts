/**
 * A pushed job notice applied to the board's jobs at once: the notice carries the job's
 * status, version and assignees after a workflow op, which is all an op changes of a job's
 * summary. The board read that follows (for new jobs, windows, titles) then finds nothing
 * new, and the block has already changed.
 */
import type { JobNotice } from '@outpost/shared';
import type { JobSummary } from '../app/reference';

/** `jobs` with the notice applied, or `jobs` itself when it brings nothing newer (unknown job, same or older version). */
export function applyNotice(jobs: JobSummary[], notice: JobNotice): JobSummary[] {
  const i = jobs.findIndex((j) => j.id === notice.jobId);
  const job = jobs[i];
  if (!job || notice.version <= job.version) return jobs;
  const next = [...jobs];
  next[i] = { ...job, status: notice.status as JobSummary['status'], version: notice.version, assignees: [...notice.assignees] };
  return next;
}

/**
 * A board read with the pushes that overtook it kept: a job the board already holds at a
 * higher version (applied from a push while the read was out) keeps that job.
 */
export function keepNewer(current: readonly JobSummary[] | undefined, read: JobSummary[]): JobSummary[] {
  if (!current) return read;
  const held = new Map(current.map((j) => [j.id, j]));
  return read.map((job) => {
    const mine = held.get(job.id);
    return mine && mine.version > job.version ? { ...job, status: mine.status, version: mine.version, assignees: mine.assignees } : job;
  });
}
