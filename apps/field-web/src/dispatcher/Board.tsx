/** The dispatcher's board: all jobs, live status and assignees; assign, cancel, reopen. */
import { useJobDigests, useOutbox, useOutpost, type JobDigest } from '@outpost/client/react';
import { OPEN_STATUSES, STATUS_LABELS, type JobStatus, type OpIntent } from '@outpost/shared';
import type { JobSummary } from '../app/reference';
import { hrefFor } from '../app/router';
import { newestState, projectStatus } from '../sync/projected-status';
import { UnreadBadge } from '../job/UnreadBadge';
import { TechnicianPositions } from './TechnicianPositions';
import { ReviewMarkNotice } from './ReviewMarkNotice';
import type { ReviewMark } from './review-words';
import { useBoard, type Technician } from './use-board';
import { useReviews } from './use-reviews';
import { HandoverCard } from './HandoverCard';
import { useHandovers, type HandoversView } from './use-handovers';
import type { Handover } from '@outpost/shared';

/** What the board reads from each job's doc: unread messages, who requested it, positions. */
const BOARD_ROOTS = ['messages', 'messageReads', 'meta', 'locations'] as const;
type BoardRoot = (typeof BOARD_ROOTS)[number];

/** Props of {@link Board}. */
export interface BoardProps {
  primed: readonly JobSummary[];
}

function when(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleDateString([], { weekday: 'short' })} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
}

/** What the dispatcher is asked before a cancel goes out. */
export function cancelQuestion(title: string): string {
  return `Cancel "${title}"? The technicians on it see it cancelled, and steps they made offline will come back to them as a conflict.`;
}

interface BoardRowProps {
  job: JobSummary;
  technicians: Technician[];
  submit: (intent: OpIntent) => void;
  review: { mark: ReviewMark; selfId: string; acknowledge: () => Promise<void> } | null;
  /** Work technicians handed over after being taken off this job. */
  handovers: Handover[];
  decide: HandoversView['decide'];
  userId: string;
  digest: JobDigest<BoardRoot> | undefined;
}

function BoardRow({ job, technicians, submit, review, handovers, decide, userId, digest }: BoardRowProps) {
  const outbox = useOutbox();
  const waiting = outbox.queued.filter((i) => i.jobId === job.id).map((i) => i.op);
  const answers = outbox.sent.filter((i) => i.jobId === job.id).map((i) => i.result);
  const newest = newestState<{ status: JobStatus; version: number; assignees: string[] }>(job, answers);
  const status = projectStatus(newest.status, waiting);
  const lastAssign = [...waiting].reverse().find((op) => op.kind === 'assign');
  const assignees = lastAssign?.assignees ?? newest.assignees;
  const known = new Set([...technicians.map((t) => t.id), ...assignees]);
  const requestedBy = digest?.meta.requestedBy;
  return (
    <li className="card" data-testid="board-job" data-job-id={job.id}>
      <div className="row">
        <a className="grow" href={hrefFor({ name: 'job', jobId: job.id })}>
          <strong>{job.title}</strong>
        </a>
        <UnreadBadge digest={digest} userId={userId} />
        <span className={`pill status-${status}`} data-testid="board-status">
          {STATUS_LABELS[status]}
        </span>
      </div>
      <p className="muted">
        {when(job.windowStart)} · {job.siteAddress}
      </p>
      {requestedBy ? (
        <p className="muted" data-testid="requested-by">
          Requested by {technicians.find((t) => t.id === requestedBy)?.name ?? requestedBy} from the field
        </p>
      ) : null}
      {review ? <ReviewMarkNotice mark={review.mark} selfId={review.selfId} onAcknowledge={review.acknowledge} /> : null}
      <div className="row" role="group" aria-label={`Technicians on ${job.title}`}>
        {[...known].map((id) => {
          const on = assignees.includes(id);
          const name = technicians.find((t) => t.id === id)?.name ?? id;
          return (
            <button
              key={id}
              type="button"
              className={`small chip${on ? ' on' : ''}`}
              aria-pressed={on}
              aria-label={`${name} on ${job.title}`}
              onClick={() => submit({ kind: 'assign', assignees: on ? assignees.filter((a) => a !== id) : [...assignees, id] })}
            >
              {on ? '✓ ' : ''}
              {name.split(' ')[0]}
            </button>
          );
        })}
        <span className="grow" />
        {status === 'requested' ? (
          <button type="button" className="small primary" onClick={() => submit({ kind: 'transition', to: 'scheduled' })}>
            Schedule
          </button>
        ) : null}
        {OPEN_STATUSES.includes(status) ? (
          <button type="button" className="small danger" onClick={() => window.confirm(cancelQuestion(job.title)) && submit({ kind: 'cancel' })}>
            Cancel
          </button>
        ) : (
          <button type="button" className="small" onClick={() => submit({ kind: 'reopen' })}>
            Reopen
          </button>
        )}
      </div>
      {handovers.map((h) => (
        <HandoverCard key={h.id} handover={h} decide={decide} />
      ))}
    </li>
  );
}

/** The dispatcher's home screen. */
export function Board({ primed }: BoardProps) {
  const engine = useOutpost();
  const board = useBoard(primed);
  const handovers = useHandovers();
  const jobs = [...board.jobs].sort((a, b) => a.windowStart.localeCompare(b.windowStart));
  const submit = (jobId: string) => (intent: OpIntent) => void engine.submitOp(jobId, intent).then(board.refresh);
  const digests = useJobDigests(
    jobs.map((j) => j.id),
    BOARD_ROOTS,
  );
  // Marks are read on their own pushes (made, acknowledged) and when a job moves on.
  const reviews = useReviews(true);
  const selfId = engine.user?.id ?? '';
  return (
    <section aria-labelledby="board-title">
      <div className="row">
        <h1 id="board-title" className="grow">
          Dispatch board
        </h1>
        <a className="button primary" href={hrefFor({ name: 'new-job' })}>
          New job
        </a>
      </div>
      <p className="muted" role="status">
        {board.live ? `${jobs.length} jobs, live` : `${jobs.length} jobs, last known (offline)`}
      </p>
      <TechnicianPositions pings={[...digests.values()].flatMap((d) => d.locations)} technicians={board.technicians} />
      {handovers.error ? <p className="disabled-reason">{handovers.error}</p> : null}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {jobs.map((job) => (
          <BoardRow
            key={job.id}
            job={job}
            technicians={board.technicians}
            submit={submit(job.id)}
            review={reviews.marks[job.id] ? { mark: reviews.marks[job.id]!, selfId, acknowledge: () => reviews.acknowledge(job.id) } : null}
            handovers={handovers.parked.filter((h) => h.jobId === job.id)}
            decide={handovers.decide}
            userId={selfId}
            digest={digests.get(job.id)}
          />
        ))}
      </ul>
    </section>
  );
}
