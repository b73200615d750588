/**
 * The job status machine: which role may move a job from which status to which.
 *
 *   scheduled → en_route → on_site → in_progress → completed
 *                  ↓                    ⇅
 *               scheduled (turned back)  on_hold
 *
 * A request from the field starts in `requested`; a dispatcher schedules it (once someone is
 * assigned) or declines it (cancel).
 *
 * Dispatchers may also cancel any open job, reopen a cancelled one (→ scheduled) or a
 * completed one (→ in_progress), and make the technicians' moves for them from the office.
 */
import type { JobStatus } from '../job/schema';

/** Who is acting. */
export type Role = 'technician' | 'dispatcher';

/** All roles. */
export const ROLES: readonly Role[] = ['technician', 'dispatcher'];

/** Statuses from which a job can still be cancelled. */
export const OPEN_STATUSES: readonly JobStatus[] = ['requested', 'scheduled', 'en_route', 'on_site', 'in_progress', 'on_hold'];

/** One allowed move, with the words on its button. */
export interface Transition {
  from: JobStatus;
  to: JobStatus;
  roles: readonly Role[];
  label: string;
}

const everyone: readonly Role[] = ['technician', 'dispatcher'];
const dispatcher: readonly Role[] = ['dispatcher'];

/** The whole transition table. Nothing outside it is ever applied without an override. */
export const TRANSITIONS: readonly Transition[] = [
  { from: 'requested', to: 'scheduled', roles: dispatcher, label: 'Schedule' },
  { from: 'scheduled', to: 'en_route', roles: everyone, label: 'Start travel' },
  { from: 'en_route', to: 'on_site', roles: everyone, label: "I'm here" },
  { from: 'en_route', to: 'scheduled', roles: everyone, label: 'Turn back' },
  { from: 'on_site', to: 'in_progress', roles: everyone, label: 'Start work' },
  { from: 'in_progress', to: 'on_hold', roles: everyone, label: 'Pause' },
  { from: 'on_hold', to: 'in_progress', roles: everyone, label: 'Resume' },
  { from: 'in_progress', to: 'completed', roles: everyone, label: 'Complete' },
  ...OPEN_STATUSES.map((from) => ({ from, to: 'cancelled' as const, roles: dispatcher, label: 'Cancel' })),
  { from: 'cancelled', to: 'scheduled', roles: dispatcher, label: 'Reopen' },
  { from: 'completed', to: 'in_progress', roles: dispatcher, label: 'Reopen' },
];

/** The moves `role` may make from `from`, in table order. */
export function nextTransitions(from: JobStatus, role: Role): Transition[] {
  return TRANSITIONS.filter((t) => t.from === from && t.roles.includes(role));
}

/** The table row for a move, if `role` may make it. */
export function findTransition(from: JobStatus, to: JobStatus, role: Role): Transition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.to === to && t.roles.includes(role));
}

/** Whether `role` may ever move a job into `to` (from some status). */
export function mayTarget(to: JobStatus, role: Role): boolean {
  return TRANSITIONS.some((t) => t.to === to && t.roles.includes(role));
}

/** Where a reopen leads from `from`, or undefined when the job is not closed. */
export function reopenTarget(from: JobStatus): JobStatus | undefined {
  if (from === 'cancelled') return 'scheduled';
  if (from === 'completed') return 'in_progress';
  return undefined;
}

/** Human words for a status. */
export const STATUS_LABELS: Record<JobStatus, string> = {
  requested: 'Requested',
  scheduled: 'Scheduled',
  en_route: 'En route',
  on_site: 'On site',
  in_progress: 'In progress',
  on_hold: 'On hold',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
