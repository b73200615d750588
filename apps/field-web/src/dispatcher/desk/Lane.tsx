/** One lane of the schedule board: a technician (or "unassigned") and their jobs on the axis. */
import { memo } from 'react';
import type { DeskJob } from './desk-jobs';
import { JobBlock, ROW_PX, type BlockMove } from './JobBlock';
import { placeLane, type Axis } from './schedule';

/** Props of {@link Lane}. */
export interface LaneProps {
  id: string;
  name: string;
  /** What the field work knows of the technician right now (last position and its age), if anything. */
  hint?: string;
  jobs: readonly DeskJob[];
  axis: Axis;
  selectedId: string | null;
  focusId: string | null;
  onSelect(jobId: string): void;
  onMove(move: BlockMove): void;
  neighbour(lane: string, step: -1 | 1): string | null;
}

function LaneView({ id, name, hint, jobs, axis, selectedId, focusId, onSelect, onMove, neighbour }: LaneProps) {
  const placed = placeLane(axis, jobs);
  const rows = Math.max(1, ...[...placed.values()].map((p) => p.row + 1));
  return (
    <div className="lane" data-lane={id} data-testid="desk-lane" role="group" aria-label={`${name}'s lane`}>
      <div className="lane-name">
        <strong>{name}</strong>
        {hint ? <span className="block-sub">{hint}</span> : null}
      </div>
      <div className="lane-track" style={{ height: rows * ROW_PX + 4 }}>
        {jobs.map((job) => {
          const place = placed.get(job.id);
          return place ? (
            <JobBlock
              key={job.id}
              job={job}
              lane={id}
              place={place}
              axisMinutes={axis.minutes}
              selected={job.id === selectedId}
              focus={job.id === focusId}
              onSelect={onSelect}
              onMove={onMove}
              neighbour={neighbour}
            />
          ) : null;
        })}
      </div>
    </div>
  );
}

/** A lane; memoised so a change in one lane leaves the others alone. */
export const Lane = memo(LaneView);
