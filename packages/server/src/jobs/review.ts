/**
 * Review marks for the dispatcher: a job whose current status came from a technician's
 * "keep mine" override (applied, flagged `review`) is marked on the board and the job
 * screen — "Completed by Alice over your cancel — review" — until a dispatcher
 * acknowledges it. A mark whose job has moved on since (a later op changed it) is no
 * longer shown: the status it questioned is gone.
 *
 * `GET /api/reviews` (dispatcher): the open marks by job id.
 * `POST /api/jobs/:id/review/ack` (dispatcher): acknowledges the job's open mark.
 */
import { OutpostError, type JobStatus } from '@outpost/shared';
import { Hono } from 'hono';
import { requireDispatcher, type ApiEnv } from '../http/env';
import type { JobDocs } from '../relay/job-docs';
import { reviewNotices } from '../relay/office-notices';
import type { OpLogEntry, Directory, OpLog } from '../store/store';

/** An open review mark. */
export interface ReviewMark {
  jobId: string;
  opId: string;
  /** The status the override set, who made it, and when the server applied it. */
  status: JobStatus;
  by: string;
  at: string;
  /** The status it overrode (e.g. a dispatcher's cancel), and who had set it. */
  over: { status: JobStatus; by: string | null } | null;
}

/** The state an op log entry replaced: the last change before it. */
function overridden(log: readonly OpLogEntry[], entry: OpLogEntry): ReviewMark['over'] {
  const before = log.filter((e) => e.seq < entry.seq && e.outcome === 'applied' && e.changed).at(-1);
  return before ? { status: before.status, by: before.actor } : null;
}

/** Open review marks, one per job at most (the job's current status came from the override). */
export async function openReviews(store: OpLog & Directory): Promise<Map<string, ReviewMark>> {
  const marks = new Map<string, ReviewMark>();
  for (const entry of await store.listUnacknowledgedReviews()) {
    const job = await store.getJob(entry.jobId);
    if (!job || job.version !== entry.version) continue;
    const log = await store.listOps(entry.jobId);
    marks.set(entry.jobId, { jobId: entry.jobId, opId: entry.opId, status: entry.status, by: entry.actor, at: entry.receivedAt, over: overridden(log, entry) });
  }
  return marks;
}

/** Review routes under /api (behind `requireUser`). */
export function reviewRoutes(store: OpLog & Directory, relay: Pick<JobDocs, 'notifyDevices'>): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get('/reviews', async (c) => {
    requireDispatcher(c.var.user);
    return c.json({ reviews: Object.fromEntries(await openReviews(store)) });
  });

  app.post('/jobs/:id/review/ack', async (c) => {
    requireDispatcher(c.var.user);
    const jobId = c.req.param('id');
    const mark = (await openReviews(store)).get(jobId);
    if (!mark) throw new OutpostError('not_found', 'This job has no override waiting for review.');
    await store.acknowledgeReview(mark.opId, jobId, c.var.user.userId, new Date().toISOString());
    // Every other dispatcher's board drops the mark now.
    relay.notifyDevices(reviewNotices(jobId, mark.opId, 'acknowledged'));
    return c.json({ acknowledged: mark.opId });
  });

  return app;
}
