/**
 * One conflict per job (docs/contracts.md, "Conflict grouping"). Pure.
 *
 * Steps a device queued for one job offline (en route → on site → working → completed)
 * that the server refused against the same state (the dispatcher cancelled meanwhile) are
 * ONE decision: keep mine resubmits only the last step the device asked for, as one
 * override; keep the server's drops them all. Content is untouched either way.
 *
 * Never backwards: an override that would move a job to an earlier step than the one the
 * device last asked for is never made.
 */
import type { JobStatus, ServerState, WorkflowOp } from '@outpost/shared';
import type { OutboxItem } from './outbox';

/** The refused steps of one job, against one server state. */
export interface ConflictGroup {
  /** `jobId@version` of the server state they were refused against. */
  key: string;
  jobId: string;
  /** Oldest first. */
  items: OutboxItem[];
  /** The last step the device asked for in this group: what "keep mine" resubmits. */
  mine: WorkflowOp;
  /** The server's state, who changed it and when (the newest any item saw). */
  server: ServerState;
}

/** How far along the working day a status is; cancelled is off the line. */
const STEP_RANK: Record<JobStatus, number> = {
  requested: 0,
  scheduled: 0,
  en_route: 1,
  on_site: 2,
  in_progress: 3,
  on_hold: 3,
  completed: 4,
  cancelled: -1,
};

const byMade = (a: OutboxItem, b: OutboxItem) => a.enqueuedAt.localeCompare(b.enqueuedAt) || a.op.deviceSeq - b.op.deviceSeq;

/** Conflicts grouped per job and server state, oldest group first. */
export function groupConflicts(conflicts: readonly OutboxItem[]): ConflictGroup[] {
  const groups = new Map<string, OutboxItem[]>();
  for (const item of conflicts) {
    if (!item.conflict) continue;
    // The server's version names the state: steps refused against a later state are a new decision.
    const key = `${item.jobId}@${item.conflict.server.version}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.entries()]
    .map(([key, list]) => {
      const items = [...list].sort(byMade);
      const last = items[items.length - 1]!;
      return { key, jobId: last.jobId, items, mine: last.op, server: last.conflict!.server };
    })
    .sort((a, b) => byMade(a.items[0]!, b.items[0]!));
}

/** The group an op belongs to, if it is in Conflicts. */
export function groupOf(conflicts: readonly OutboxItem[], opId: string): ConflictGroup | undefined {
  return groupConflicts(conflicts).find((g) => g.items.some((i) => i.opId === opId));
}

/** The status step the device last asked for on a job (any state: sent, queued, refused). */
export function lastAskedStep(items: readonly OutboxItem[], jobId: string): JobStatus | undefined {
  const steps = items.filter((i) => i.jobId === jobId && i.op.kind === 'transition' && i.op.to).sort(byMade);
  return steps[steps.length - 1]?.op.to;
}

/** Whether moving to `to` goes back past the step the device last asked for. */
export function isBackwards(to: JobStatus | undefined, lastAsked: JobStatus | undefined): boolean {
  if (!to || !lastAsked) return false;
  const [a, b] = [STEP_RANK[to], STEP_RANK[lastAsked]];
  return a >= 0 && b >= 0 && a < b;
}
