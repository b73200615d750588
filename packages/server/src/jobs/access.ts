/**
 * Who may see a job: the team's `ServerHooks.authorizeJob` when given (hooks/), else the
 * demo's rule: dispatchers see every job; technicians only jobs assigned to them.
 */
import { OutpostError } from '@outpost/shared';
import type { Principal } from '../auth/token';
import type { Hooks } from '../hooks/hooks';
import type { JobAction } from '../hooks/server-hooks';
import type { JobRecord, Store } from '../store/store';

/**
 * The job, when `user` may `action` it; throws `not_found`, `not_assigned` or `forbidden`.
 * Routes pass `c.var.hooks` so a team's `authorizeJob` applies; without it, the demo's rule.
 */
export async function jobFor(store: Store, user: Principal, jobId: string, hooks?: Hooks, action: JobAction = 'read'): Promise<JobRecord> {
  if (hooks) return hooks.jobFor(store, user, jobId, action);
  const job = await store.getJob(jobId);
  if (!job) throw new OutpostError('not_found', `No job ${jobId}.`);
  if (user.role === 'technician' && !job.assignees.includes(user.userId)) {
    throw new OutpostError('not_assigned', `Job ${jobId} is not assigned to you.`);
  }
  return job;
}
