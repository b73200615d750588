/**
 * Who may see a job: dispatchers see every job; technicians only jobs assigned to them.
 */
import { OutpostError } from '@outpost/shared';
import type { Principal } from '../auth/token';
import type { JobRecord, Store } from '../store/store';

/** The job, when `user` may see it; throws `not_found` or `not_assigned`. */
export async function jobFor(store: Store, user: Principal, jobId: string): Promise<JobRecord> {
  const job = await store.getJob(jobId);
  if (!job) throw new OutpostError('not_found', `No job ${jobId}.`);
  if (user.role === 'technician' && !job.assignees.includes(user.userId)) {
    throw new OutpostError('not_assigned', `Job ${jobId} is not assigned to you.`);
  }
  return job;
}
