/** Human words for a workflow op waiting in the outbox. */
import { STATUS_LABELS, type JobStatus } from '@outpost/shared';

/** The part of an op the words need. */
export interface OpLike {
  kind: 'transition' | 'assign' | 'cancel' | 'reopen' | 'request';
  to?: JobStatus;
  request?: { title: string };
  assignees?: string[];
  override?: boolean;
}

/** "Move to In progress", "Cancel the job", "Assign to alice". */
export function describeOp(op: OpLike): string {
  const prefix = op.override ? 'Override: ' : '';
  switch (op.kind) {
    case 'transition':
      return `${prefix}Move to ${op.to ? STATUS_LABELS[op.to] : '?'}`;
    case 'cancel':
      return `${prefix}Cancel the job`;
    case 'reopen':
      return `${prefix}Reopen the job`;
    case 'assign':
      return op.assignees && op.assignees.length > 0 ? `Assign to ${op.assignees.join(', ')}` : 'Unassign everyone';
    case 'request':
      return `Request: ${op.request?.title ?? 'a follow-up job'}`;
  }
}

/** A time as "14:05" today or "Mon 14:05" otherwise. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return 'unknown time';
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return sameDay ? time : `${d.toLocaleDateString([], { weekday: 'short' })} ${time}`;
}

/** The part of a failure the words need (the engine's AttemptFailure). */
export interface FailureLike {
  code: string;
  message: string;
  kind?: 'transient' | 'permanent';
  retryAt?: string;
}

/**
 * Why something has not gone through, and whether it will by itself:
 * "Server unavailable — will retry at 11:42" or "Refused: <the server's reason>".
 */
export function failureWords(f: FailureLike): string {
  if (f.kind === 'transient') {
    const what = f.code === 'rate_limited' ? 'Server busy' : f.code === 'not_causal' ? 'Waiting for the server to catch up' : 'Server unavailable';
    return f.retryAt ? `${what} — will retry at ${shortTime(f.retryAt)}` : `${what} — will retry`;
  }
  return `Refused: ${f.message}`;
}
