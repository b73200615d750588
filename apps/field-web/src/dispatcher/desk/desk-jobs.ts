/**
 * The jobs as the schedule board shows them: the server's board read, with this device's
 * queued steps on top (status and assignees from the outbox, windows just moved), so a
 * drag shows at once and stays shown while offline.
 */
import type { OpIntent } from '@outpost/shared';
import type { JobSummary } from '../../app/reference';
import { newestState, projectStatus } from '../../sync/projected-status';
import type { MovedWindows } from './use-desk-actions';

/** A job on the board. */
export interface DeskJob extends JobSummary {
  /** True while a step of this device on the job is not answered yet. */
  waiting: boolean;
  /** Unread messages by others on the job (0 until the job's doc is read). */
  unread?: number;
  /** First names of who has the job open right now (presence), if anyone. */
  onJob?: string;
}

type Answer = { status: JobSummary['status']; version: number; assignees: string[] };

/**
 * Board jobs with this device's steps applied: answers to sent ops newer than the board's
 * read (between an answer and the next read the board's copy is older), then queued ops,
 * then moved windows.
 */
export function deskJobs(
  jobs: readonly JobSummary[],
  queued: readonly { jobId: string; op: OpIntent }[],
  sent: readonly { jobId: string; result?: unknown }[],
  moved: MovedWindows,
): DeskJob[] {
  const byJob = new Map<string, OpIntent[]>();
  for (const item of queued) byJob.set(item.jobId, [...(byJob.get(item.jobId) ?? []), item.op]);
  const answers = new Map<string, Answer[]>();
  for (const item of sent) if (item.result) answers.set(item.jobId, [...(answers.get(item.jobId) ?? []), item.result as Answer]);
  return jobs.map((read) => {
    const newest = newestState<Answer>(read, answers.get(read.id) ?? []);
    const job = { ...read, status: newest.status, version: newest.version, assignees: newest.assignees };
    const waiting = byJob.get(job.id) ?? [];
    const lastAssign = [...waiting].reverse().find((op) => op.kind === 'assign');
    const window = moved[job.id];
    return {
      ...job,
      status: projectStatus(job.status, waiting),
      assignees: lastAssign?.assignees ?? job.assignees,
      ...(window ?? {}),
      waiting: waiting.length > 0 || (window !== undefined && window.windowStart !== job.windowStart),
    };
  });
}

/** What the dispatcher narrowed the board to. */
export interface DeskFilter {
  technician: string;
  status: string;
  customer: string;
  text: string;
}

/** An empty filter: everything shows. */
export const NO_FILTER: DeskFilter = { technician: '', status: '', customer: '', text: '' };

/** Whether a job passes the filter (search matches title or address, any case). */
export function passes(job: DeskJob, f: DeskFilter): boolean {
  if (f.technician && !job.assignees.includes(f.technician)) return false;
  if (f.status && job.status !== f.status) return false;
  if (f.customer && job.customerId !== f.customer) return false;
  const text = f.text.trim().toLowerCase();
  return !text || job.title.toLowerCase().includes(text) || job.siteAddress.toLowerCase().includes(text);
}
