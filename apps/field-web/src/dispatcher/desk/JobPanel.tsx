/**
 * The side panel of the schedule board: the selected job's live document (the job screen
 * itself, in the dispatcher's role: review marks, parked handovers, notes, checklist,
 * photos, signature, time, refrigerant, line items; cancel with confirmation and reopen),
 * the office's dispatch controls, and the op history.
 */
import type { Role } from '@outpost/shared';
import type { PrimedReference } from '../../app/reference';
import { JobScreen } from '../../job/JobScreen';
import type { Technician } from '../use-board';
import type { DeskJob } from './desk-jobs';
import { OfficeActions } from './OfficeActions';
import { OpHistory } from './OpHistory';
import type { DeskActions } from './use-desk-actions';

/** Props of {@link JobPanel}. */
export interface JobPanelProps {
  job: DeskJob;
  user: { id: string; name: string; role: Role };
  reference: PrimedReference;
  technicians: readonly Technician[];
  actions: DeskActions;
  onClose(): void;
}

/** The selected job beside the board. */
export function JobPanel({ job, user, reference, technicians, actions, onClose }: JobPanelProps) {
  return (
    <aside className="desk-panel" aria-label={`Job ${job.title}`} data-testid="desk-panel">
      <div className="row">
        <span className="grow muted">Selected job</span>
        <button type="button" className="small" onClick={onClose}>
          Close
        </button>
      </div>
      <OfficeActions
        key={`${job.id}/${job.windowStart}`}
        job={job}
        technicians={technicians}
        assign={(assignees) => actions.assign(job.id, assignees)}
        reschedule={(window) => actions.reschedule(job.id, window)}
      />
      <JobScreen key={job.id} jobId={job.id} user={user} reference={reference} />
      <OpHistory jobId={job.id} version={job.version} />
    </aside>
  );
}
