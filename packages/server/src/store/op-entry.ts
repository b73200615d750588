/**
 * Pure pieces of `applyOp` that every store adapter shares, so SQLite and Postgres record
 * ops identically: the device-order check and the shape of an op log entry.
 */
import type { ServerState } from '@outpost/shared';
import type { ApplyOpOutcome, OpAttempt, OpLogEntry, OpVerdict } from './store';

/**
 * Checks `deviceSeq` against the last seq recorded for the actor on the device (0 when none).
 * Returns the refusal, or null when the op is the device's next one.
 */
export function checkDeviceSeq(lastSeq: number, deviceSeq: number): ApplyOpOutcome | null {
  const expectedSeq = lastSeq + 1;
  if (deviceSeq > expectedSeq) return { kind: 'out_of_order', expectedSeq };
  if (deviceSeq < expectedSeq) return { kind: 'seq_reused', expectedSeq };
  return null;
}

/** A verdict that goes into the log (everything but `refused`). */
export type LoggedVerdict = Exclude<OpVerdict, { outcome: 'refused' }>;

/** The log entry for an op decided against `before`, at per-job position `seq`. */
export function buildOpEntry(attempt: OpAttempt, seq: number, before: ServerState, verdict: LoggedVerdict): OpLogEntry {
  const after = verdict.outcome === 'applied' ? verdict.state : before;
  return {
    seq,
    opId: attempt.opId,
    jobId: attempt.jobId,
    deviceId: attempt.deviceId,
    deviceSeq: attempt.deviceSeq,
    actor: attempt.actor,
    kind: attempt.kind,
    to: attempt.to,
    assignees: [...after.assignees],
    occurredAt: attempt.occurredAt,
    receivedAt: attempt.receivedAt,
    outcome: verdict.outcome,
    code: verdict.outcome === 'rejected' ? verdict.code : null,
    message: verdict.outcome === 'rejected' ? verdict.message : null,
    status: after.status,
    version: after.version,
    changed: verdict.outcome === 'applied' && verdict.changed,
    review: verdict.outcome === 'applied' && verdict.review,
    override: attempt.override,
    changedBy: after.changedBy,
    changedAt: after.changedAt,
    requestedAssignees: attempt.assignees,
  };
}
