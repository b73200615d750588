/**
 * The dispatcher's schedule board for wide screens: technicians as lanes (and an
 * "unassigned" lane), today and tomorrow as the time axis, jobs as blocks by window and
 * status. Drag or Shift+arrows to assign and reschedule; select a block to open the job
 * beside the board. Live through `useBoard` (the board read, pushed by the device channel
 * once it lands).
 */
import { useJobDigests, useOutbox } from '@outpost/client/react';
import { memo, useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { PrimedReference } from '../../app/reference';
import { hrefFor } from '../../app/router';
import type { Role } from '@outpost/shared';
import { useBoard } from '../use-board';
import { useHandovers } from '../use-handovers';
import { useReviews } from '../use-reviews';
import { deskJobs, NO_FILTER, passes, type DeskFilter } from './desk-jobs';
import { DeskModel, NO_JOBS } from './desk-model';
import { DeskToolbar } from './DeskToolbar';
import { DESK_ROOTS, isRequest, positionHints, unreadOf } from './field-hints';
import { JobPanel } from './JobPanel';
import type { BlockMove } from './JobBlock';
import { Lane } from './Lane';
import { axisFor, dragMinutes, reassign, shiftWindow, SNAP_MINUTES, UNASSIGNED, unnamedAssignees } from './schedule';
import { TimeAxis } from './TimeAxis';
import { useDeskActions } from './use-desk-actions';
import { useRenderTiming } from './use-render-timing';
import { useOnJob } from './use-on-job';
import { useSameValue } from './use-same-value';

/** Props of {@link ScheduleBoard}. */
export interface ScheduleBoardProps {
  reference: PrimedReference;
  user: { id: string; name: string; role: Role };
}

function ScheduleBoardView({ reference, user }: ScheduleBoardProps) {
  const read = useBoard(reference.jobs);
  const board = { ...read, jobs: useSameValue(read.jobs), technicians: useSameValue(read.technicians) };
  useRenderTiming('desk-render', [board.jobs, board.technicians], { jobs: board.jobs.length, technicians: board.technicians.length });
  const outbox = useOutbox();
  const handovers = useHandovers();
  const reviews = useReviews(true);
  const actions = useDeskActions(board.refresh);
  const [filter, setFilter] = useState<DeskFilter>(NO_FILTER);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const axis = useMemo(() => axisFor(new Date()), []);

  const jobIds = useMemo(() => board.jobs.map((j) => j.id), [board.jobs]);
  // Holds each job open (as the phone board does): messages and positions arrive live.
  const digests = useJobDigests(jobIds, DESK_ROOTS);
  const onJob = useOnJob(jobIds);
  const model = useMemo(() => new DeskModel(), []);
  const jobs = useMemo(
    () => model.jobs(deskJobs(board.jobs, outbox.queued, outbox.sent, actions.moved).map((j) => ({ ...j, unread: unreadOf(digests.get(j.id), user.id), onJob: onJob.get(j.id) }))),
    [model, board.jobs, outbox.queued, outbox.sent, actions.moved, digests, onJob, user.id],
  );
  // The search field shows each key at once; the board follows as a background render.
  const shownFilter = useDeferredValue(filter);
  const shown = useMemo(() => jobs.filter((j) => passes(j, shownFilter)), [jobs, shownFilter]);
  // A job's assignee the technician list does not name (hired since the last board read
  // this device kept) still gets a lane, under their id: no assigned job is off the board.
  const unnamed = useSameValue(useMemo(() => unnamedAssignees(board.jobs, board.technicians), [board.jobs, board.technicians]));
  const lanes = useMemo(() => {
    const all = [...board.technicians, ...unnamed.map((id) => ({ id, name: id }))];
    const techs = shownFilter.technician ? all.filter((t) => t.id === shownFilter.technician) : all;
    // eslint-disable-next-line react-hooks/purity -- a position's age is as of this board read (lanes recompute with the digests), not a ticking clock
    const hints = positionHints(digests.values(), Date.now());
    return [{ id: UNASSIGNED, name: 'Unassigned', hint: undefined as string | undefined }, ...techs.map((t) => ({ id: t.id, name: t.name, hint: hints.get(t.id) }))];
  }, [board.technicians, unnamed, shownFilter.technician, digests]);
  const byLane = useMemo(() => model.byLane(shown), [model, shown]);

  const jobsById = useMemo(() => new Map(jobs.map((j) => [j.id, j])), [jobs]);
  // Read through refs, so the callbacks every lane and block hold stay the same objects
  // while jobs change: a live update then re-renders only the lanes and blocks it touched.
  const current = useRef({ jobsById, laneIds: [] as string[] });
  const laneIds = useMemo(() => lanes.map((l) => l.id), [lanes]);
  useLayoutEffect(() => {
    current.current = { jobsById, laneIds };
  }, [jobsById, laneIds]);
  const { assign, reschedule } = actions;
  const onMove = useCallback(
    (move: BlockMove) => {
      const job = current.current.jobsById.get(move.jobId);
      if (!job) return;
      if (move.toLane !== move.fromLane) assign(job.id, reassign(job.assignees, move.fromLane, move.toLane));
      const minutes = move.along === 'axis' ? dragMinutes(axis, job.windowStart, move.minutes) : move.minutes;
      if (Math.abs(move.minutes) >= SNAP_MINUTES / 2) reschedule(job.id, shiftWindow(job, minutes));
      setFocusId(job.id);
    },
    [assign, reschedule, axis],
  );
  const neighbour = useCallback((lane: string, step: -1 | 1) => {
    const ids = current.current.laneIds;
    return ids[ids.indexOf(lane) + step] ?? null;
  }, []);
  const onSelect = useCallback((jobId: string) => setSelectedId(jobId), []);

  const attention = {
    overridden: Object.keys(reviews.marks).length,
    handovers: handovers.parked.length,
    requests: jobs.filter(isRequest).length,
    unread: jobs.reduce((n, j) => n + (j.unread ?? 0), 0),
  };
  const offAxis = shown.length - new Set([...byLane.values()].flat().map((j) => j.id)).size;
  const selected = selectedId ? jobsById.get(selectedId) : undefined;

  return (
    <section className={`desk${selected ? ' with-panel' : ''}`} aria-labelledby="desk-title">
      <div className="desk-main">
        <div className="row">
          <h1 id="desk-title" className="grow">
            Schedule board
          </h1>
          <span className="muted" role="status">
            {board.live ? `${jobs.length} jobs, live` : `${jobs.length} jobs, last known (offline)`}
          </span>
          <a className="button primary" href={hrefFor({ name: 'new-job' })}>
            New job
          </a>
        </div>
        <DeskToolbar filter={filter} onFilter={setFilter} technicians={board.technicians} customers={reference.customers} attention={attention} />
        <p className="muted desk-keys">
          Drag a job to another lane to assign it, along the day to reschedule it. Keyboard: Tab to a job, Shift+↑/↓ moves it to the lane above/below, Shift+←/→ moves it 15
          minutes, Enter opens it.
          {offAxis > 0 ? ` ${offAxis} matching jobs are outside today and tomorrow.` : ''}
        </p>
        {actions.error || handovers.error ? <p className="disabled-reason">{actions.error ?? handovers.error}</p> : null}
        <div className="desk-grid" data-testid="desk-grid">
          <TimeAxis axis={axis} />
          {lanes.map((lane) => (
            <Lane
              key={lane.id}
              id={lane.id}
              name={lane.name}
              hint={lane.hint}
              jobs={byLane.get(lane.id) ?? NO_JOBS}
              axis={axis}
              selectedId={selectedId}
              focusId={focusId}
              onSelect={onSelect}
              onMove={onMove}
              neighbour={neighbour}
            />
          ))}
        </div>
      </div>
      {selected ? <JobPanel job={selected} user={user} reference={reference} technicians={board.technicians} actions={actions} onClose={() => setSelectedId(null)} /> : null}
    </section>
  );
}

/** The wide-screen board; memoised, so the shell re-rendering (a priming run counting job docs) leaves it alone. */
export const ScheduleBoard = memo(ScheduleBoardView);
