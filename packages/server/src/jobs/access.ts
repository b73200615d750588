/**
 * Who may see a job: the team's `ServerHooks.authorizeJob` when given (hooks/), else the
 * demo's rule: dispatchers see every job; technicians only jobs assigned to them.
 */
import type { Principal } from '../auth/token';
import type { Hooks } from '../hooks/hooks';
import type { JobAction } from '../hooks/server-hooks';
import type { JobRecord, Directory } from '../store/store';

/**
 * The job, when `user` may `action` it; throws `not_found`, `not_assigned` or `forbidden`.
 * `hooks` is required (routes pass `c.var.hooks`) so no route can skip a team's access rule.
 */
export function jobFor(store: Directory, user: Principal, jobId: string, hooks: Hooks, action: JobAction = 'read'): Promise<JobRecord> {
  return hooks.jobFor(store, user, jobId, action);
}
