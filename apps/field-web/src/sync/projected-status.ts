/**
 * What status a job shows on this device: the newest the device knows from the server,
 * moved along by the workflow ops still waiting in the outbox. A technician who taps
 * "Start work" in a basement sees the job in progress at once, with the op counted as
 * pending until the server applies it.
 */
import { JOB_STATUSES, reopenTarget, type JobStatus, type WorkflowOp } from '@outpost/shared';

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

/** A server answer to one of this device's ops. */
export interface AppliedResult {
  status: string;
  version: number;
}

/**
 * The newer of a cached job status and the answers to this device's own sent ops: the
 * priming cache is refreshed only now and then, but the op answers are fresh.
 */
export function newestKnown(cached: { status: JobStatus; version: number }, answers: readonly (AppliedResult | undefined)[]): JobStatus {
  return newestState<AppliedResult>(cached, answers).status as JobStatus;
}

/**
 * The newer of a job's known state (status, version and whatever else it carries, such
 * as assignees) and the answers to this device's own sent ops. The dispatcher board uses
 * it for assignees too: between an op's answer and the next board poll, the board's copy
 * is older than the answer, and a second tap computed from it would undo the first.
 */
export function newestState<T extends AppliedResult>(cached: T, answers: readonly (T | undefined)[]): T {
  let best = cached;
  for (const a of answers) {
    if (a && a.version > best.version && (JOB_STATUSES as readonly string[]).includes(a.status)) best = a;
  }
  return best;
}
