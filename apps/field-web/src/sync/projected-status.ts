/**
 * What status a job shows on this device: the server's, moved along by the workflow ops
 * still waiting in the outbox. A technician who taps "Start work" in a basement sees the
 * job in progress at once, with the op counted as pending until the server applies it.
 */
import { reopenTarget, type JobStatus, type WorkflowOp } from '@outpost/shared';

/** The status after the device's own not-yet-applied ops, in order. */
export function projectStatus(server: JobStatus, waiting: readonly Pick<WorkflowOp, 'kind' | 'to'>[]): JobStatus {
  let status = server;
  for (const op of waiting) {
    if (op.kind === 'transition' && op.to) status = op.to;
    else if (op.kind === 'cancel') status = 'cancelled';
    else if (op.kind === 'reopen') status = reopenTarget(status) ?? status;
  }
  return status;
}
