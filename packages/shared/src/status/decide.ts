/**
 * `decide`: the pure verdict on one workflow op against the job's current state. The
 * server calls it with the merged doc's facts; the client may call it to grey out buttons.
 */
import type { JobFacts } from '../job/doc';
import type { JobStatus } from '../job/schema';
import type { OpIntent } from '../ops/op';
import { findTransition, mayTarget, reopenTarget, STATUS_LABELS, TRANSITIONS, type Role } from './machine';

/** The workflow state `decide` reads. */
export interface WorkflowState {
  status: JobStatus;
  version: number;
  assignees: readonly string[];
}

/** Who is acting, from their token. */
export interface Actor {
  userId: string;
  role: Role;
}

/** Why an op was refused. */
export type RejectionCode = 'conflict' | 'forbidden' | 'not_assigned' | 'guard_failed' | 'validation_failed';

/** The verdict on an op. */
export type Decision =
  | {
      outcome: 'applied';
      status: JobStatus;
      version: number;
      assignees: string[];
      /** False when the job already was where the op wanted it; the version is unchanged. */
      changed: boolean;
      /** An override of an illegal move: applied, and flagged for dispatcher review. */
      review: boolean;
    }
  | { outcome: 'rejected'; code: RejectionCode; message: string };

function reject(code: RejectionCode, message: string): Decision {
  return { outcome: 'rejected', code, message };
}

function targetOf(job: WorkflowState, op: OpIntent): JobStatus | Decision {
  if (op.kind === 'cancel') return 'cancelled';
  if (op.kind === 'transition') return op.to ?? reject('validation_failed', 'A transition needs a target status.');
  const to = reopenTarget(job.status);
  return to ?? reject('conflict', `Only cancelled or completed jobs can be reopened; this one is ${STATUS_LABELS[job.status]}.`);
}

function guardFailure(job: WorkflowState, to: JobStatus, facts: JobFacts): Decision | undefined {
  if (job.status === 'requested' && to === 'scheduled' && job.assignees.length === 0) {
    return reject('guard_failed', 'Assign a technician before scheduling the request.');
  }
  if (to !== 'completed') return undefined;
  const n = facts.openRequired.length;
  if (n > 0) {
    return reject('guard_failed', `${n} required checklist item${n === 1 ? ' is' : 's are'} not done: ${facts.openRequired.join(', ')}.`);
  }
  if (!facts.hasSignature) return reject('guard_failed', 'The customer has not signed yet.');
  if (facts.signatureStored === false) return reject('guard_failed', "The signature's image is not on the server.");
  return undefined;
}

/** True when the table has this move, but only for other roles: no override makes it this role's. */
function reservedForOthers(from: JobStatus, to: JobStatus, role: Role): boolean {
  return TRANSITIONS.some((t) => t.from === from && t.to === to) && findTransition(from, to, role) === undefined;
}

/**
 * Decides one op. Deterministic: the same inputs always give the same verdict.
 * Order of checks: assignment, role (an override never widens it), the transition table
 * (a plain move outside it is a conflict; an override applies for review), guards.
 */
export function decide(job: WorkflowState, op: OpIntent, actor: Actor, facts: JobFacts): Decision {
  if (actor.role === 'technician' && !job.assignees.includes(actor.userId)) {
    return reject('not_assigned', 'This job is not assigned to you.');
  }
  if (op.kind === 'request') {
    // Raising a request leaves this job as it is; the server makes the requested job.
    if (!op.request) return reject('validation_failed', 'A request op needs its request.');
    return { outcome: 'applied', status: job.status, version: job.version, assignees: [...job.assignees], changed: false, review: false };
  }
  if (op.kind === 'assign') {
    if (actor.role !== 'dispatcher') return reject('forbidden', 'Only a dispatcher can assign jobs.');
    const assignees = [...new Set(op.assignees ?? [])];
    return { outcome: 'applied', status: job.status, version: job.version + 1, assignees, changed: true, review: false };
  }
  // Reopening is the dispatcher's; an override says "the job moved on while I was
  // offline", never "let me do what my role may not".
  if (op.kind === 'reopen' && actor.role !== 'dispatcher') return reject('forbidden', 'Only a dispatcher can reopen a job.');
  const to = targetOf(job, op);
  if (typeof to !== 'string') return to;
  if (!mayTarget(to, actor.role)) {
    return reject('forbidden', `A ${actor.role} cannot move a job to ${STATUS_LABELS[to]}.`);
  }
  // Only an override can be refused here. A plain move that meets a job gone where only
  // another role may take it further (a turn-back after the office cancelled) is a stale
  // view: a conflict with the server's state for the person to decide, never a refusal
  // that leaves their op stuck in Errors.
  if (op.override === true && reservedForOthers(job.status, to, actor.role)) {
    return reject('forbidden', `A ${actor.role} cannot move a job from ${STATUS_LABELS[job.status]} to ${STATUS_LABELS[to]}.`);
  }
  const assignees = [...job.assignees];
  if (to === job.status) {
    return { outcome: 'applied', status: to, version: job.version, assignees, changed: false, review: false };
  }
  const legal = findTransition(job.status, to, actor.role) !== undefined;
  if (!legal && op.override !== true) {
    return reject('conflict', `The job is ${STATUS_LABELS[job.status]} now; it cannot move to ${STATUS_LABELS[to]}.`);
  }
  const guard = guardFailure(job, to, facts);
  if (guard) return guard;
  return { outcome: 'applied', status: to, version: job.version + 1, assignees, changed: true, review: !legal };
}
