/**
 * The requests raised from one job, as the person who raised them follows them: those
 * still in this device's outbox (pending, offline too) and those the server made into jobs,
 * with their current state. The server's list is read when the connection comes back, when
 * an op leaves the outbox, and when the server pushes that a request's job was made or moved
 * on (`requestNotice`: the raiser is not on that job and hears nothing else) — never on a timer.
 */
import type { OutboxItem } from '@outpost/client';
import { useOutbox, useOutpost, useSyncStatus } from '@outpost/client/react';
import { requestJobId, type JobStatus, type JobSummary } from '@outpost/shared';
import { useEffect, useState } from 'react';

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

function fromOutbox(item: OutboxItem, state: RaisedRequest['state'], reason?: string): RaisedRequest {
  return { opId: item.opId, jobId: requestJobId(item.opId), title: item.op.request?.title ?? 'Request', state, reason };
}

/** The requests raised from `jobId`, newest last. */
export function useRaisedRequests(jobId: string): RaisedRequest[] {
  const engine = useOutpost();
  const outbox = useOutbox();
  const { connected } = useSyncStatus();
  const [made, setMade] = useState<{ opId: string; job: JobSummary }[]>([]);
  const sentCount = outbox.sent.filter((i) => i.jobId === jobId && i.op.kind === 'request').length;

  useEffect(() => {
    if (!connected) return;
    let live = true;
    const read = () =>
      void engine
        .api(`/api/jobs/${encodeURIComponent(jobId)}/requests`)
        .then(async (res) => {
          if (!res.ok) throw new Error(`requests ${res.status}`);
          const body = (await res.json()) as { requests: { opId: string; job: JobSummary }[] };
          if (live) setMade(body.requests);
        })
        // The last list read stays on screen; the next read (or reconnect) tries again.
        .catch((error: unknown) => console.warn('could not read the requests of the job', error));
    read();
    const offNotice = engine.on('requestNotice', (n) => n.jobId === jobId && read());
    const offStale = engine.on('listsStale', read);
    return () => {
      live = false;
      offNotice();
      offStale();
    };
  }, [engine, jobId, connected, sentCount]);

  const mine = (i: OutboxItem) => i.jobId === jobId && i.op.kind === 'request';
  const known = new Set(made.map((m) => m.opId));
  return [
    ...made.map((m) => ({ opId: m.opId, jobId: m.job.id, title: m.job.title, state: m.job.status })),
    ...outbox.sent.filter((i) => mine(i) && !known.has(i.opId)).map((i) => fromOutbox(i, 'requested')),
    ...[...outbox.queued, ...outbox.errors].filter(mine).map((i) => fromOutbox(i, 'pending')),
    ...outbox.conflicts.filter(mine).map((i) => fromOutbox(i, 'refused', i.conflict?.message)),
  ];
}
