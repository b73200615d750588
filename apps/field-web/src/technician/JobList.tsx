/** The technician's Today / Tomorrow list, read from the primed cache (works offline). */
import { useJobDigests, useOutbox, usePriming, useSyncStatus, type JobDigest } from '@outpost/client/react';
import { STATUS_LABELS } from '@outpost/shared';
import type { JobSummary } from '../app/reference';
import { hrefFor } from '../app/router';
import { newestKnown, projectStatus } from '../sync/projected-status';
import { UNREAD_ROOTS, UnreadBadge } from '../job/UnreadBadge';
import { groupByDay } from './day-groups';
import { primingWords } from './priming-words';

/** Props of {@link JobList}. */
export interface JobListProps {
  jobs: readonly JobSummary[];
  userId: string;
}

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function JobCard({ job, userId, digest }: { job: JobSummary; userId: string; digest: JobDigest<'messages' | 'messageReads'> | undefined }) {
  const outbox = useOutbox();
  const waiting = outbox.queued.filter((i) => i.jobId === job.id).map((i) => i.op);
  const answers = outbox.sent.filter((i) => i.jobId === job.id).map((i) => i.result);
  const status = projectStatus(newestKnown(job, answers), waiting);
  return (
    <li>
      <a className="card job-link" href={hrefFor({ name: 'job', jobId: job.id })} data-testid="job-card">
        <div className="row">
          <strong className="grow">{job.title}</strong>
          <UnreadBadge digest={digest} userId={userId} />
          <span className={`pill status-${status}`}>{STATUS_LABELS[status]}</span>
        </div>
        <p className="muted">
          {time(job.windowStart)}–{time(job.windowEnd)} · {job.siteAddress}
        </p>
      </a>
    </li>
  );
}

/** The technician's home screen. */
export function JobList({ jobs, userId }: JobListProps) {
  const priming = usePriming();
  const { connected } = useSyncStatus();
  const mine = jobs.filter((j) => j.assignees.includes(userId));
  const { today, tomorrow } = groupByDay(mine);
  // Each listed job is held open: a message from the office shows here as it arrives.
  const digests = useJobDigests(
    [...today, ...tomorrow].map((j) => j.id),
    UNREAD_ROOTS,
  );
  const section = (title: string, list: JobSummary[]) => (
    <section aria-label={title}>
      <h2 className="day">
        {title} ({list.length})
      </h2>
      {list.length === 0 ? <p className="muted">No jobs.</p> : null}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {list.map((j) => (
          <JobCard key={j.id} job={j} userId={userId} digest={digests.get(j.id)} />
        ))}
      </ul>
    </section>
  );
  const { line, listReady } = primingWords(priming, connected);
  return (
    <div>
      <p className="muted" role="status">
        <span data-testid="priming-status">{line}</span>
        {priming.primedAt && priming.running ? <span> · refreshing…</span> : null}
      </p>
      {listReady ? (
        <>
          {section('Today', today)}
          {section('Tomorrow', tomorrow)}
        </>
      ) : null}
    </div>
  );
}
