/**
 * The requests raised from one job, merged from the server's list (those made into jobs)
 * and this device's outbox (those not yet known to be). One row per request: once the
 * server's list has a request, its row shows the job's state, even while the outbox still
 * holds the op (its answer can come after the list is read).
 */
import type { OutboxItem, OutboxLists } from '@outpost/client';
import { requestJobId, type JobStatus, type JobSummary } from '@outpost/shared';

/** One request in the list. */
export interface RaisedRequest {
  opId: string;
  jobId: string;
  title: string;
  /** `pending` while on this device only; then the state of the job it became. */
  state: 'pending' | 'refused' | JobStatus;
  /** Why the server refused it, for a refused one. */
  reason?: string;
}

/** A request the server made into a job, as its list of a job's requests gives it. */
export interface MadeRequest {
  opId: string;
  job: JobSummary;
}

function fromOutbox(item: OutboxItem, state: RaisedRequest['state'], reason?: string): RaisedRequest {
  return { opId: item.opId, jobId: requestJobId(item.opId), title: item.op.request?.title ?? 'Request', state, reason };
}

/** The requests raised from `jobId`, the server's first, newest last. */
export function raisedRequests(jobId: string, made: MadeRequest[], outbox: OutboxLists): RaisedRequest[] {
  const known = new Set(made.map((m) => m.opId));
  const mine = (i: OutboxItem) => i.jobId === jobId && i.op.kind === 'request' && !known.has(i.opId);
  return [
    ...made.map((m) => ({ opId: m.opId, jobId: m.job.id, title: m.job.title, state: m.job.status })),
    ...outbox.sent.filter(mine).map((i) => fromOutbox(i, 'requested')),
    ...[...outbox.queued, ...outbox.errors].filter(mine).map((i) => fromOutbox(i, 'pending')),
    ...outbox.conflicts.filter(mine).map((i) => fromOutbox(i, 'refused', i.conflict?.message)),
  ];
}
