/**
 * The words of one conflict decision (a job's steps refused against one server state):
 * "You moved this job to Completed; Dana cancelled it at 11:05." and the two choices,
 * "Keep mine → Completed" / "Keep server's → stays Cancelled".
 */
import { STATUS_LABELS, type JobStatus, type ServerState } from '@outpost/shared';
import { displayName } from '../sync/merge-words';
import { shortTime, type OpLike } from './op-words';

/** What the words need of a conflict group. */
export interface ConflictLike {
  mine: OpLike;
  server: Pick<ServerState, 'status' | 'changedBy' | 'changedAt'>;
  steps: number;
}

function mineWords(op: OpLike): string {
  switch (op.kind) {
    case 'transition':
      return `You moved this job to ${op.to ? STATUS_LABELS[op.to] : '?'}`;
    case 'cancel':
      return 'You cancelled this job';
    case 'reopen':
      return 'You reopened this job';
    case 'assign':
      return 'You changed who is on this job';
    case 'request':
      return `You raised the request "${op.request?.title ?? 'follow-up'}" from this job`;
  }
}

function serverVerb(status: JobStatus): string {
  if (status === 'cancelled') return 'cancelled it';
  if (status === 'completed') return 'completed it';
  return `moved it to ${STATUS_LABELS[status]}`;
}

/** Where "keep mine" takes the job (the status the last step asked for). */
export function keepMineTarget(op: OpLike, server: JobStatus): JobStatus {
  if (op.kind === 'transition' && op.to) return op.to;
  if (op.kind === 'cancel') return 'cancelled';
  if (op.kind === 'reopen') return server === 'completed' ? 'in_progress' : 'scheduled';
  return server;
}

/** The sentence, the two button labels, and how many steps the decision covers. */
export function conflictWords(c: ConflictLike): { sentence: string; keepMine: string; keepServers: string; steps: string | null } {
  const who = displayName(c.server.changedBy ?? '');
  const sentence = `${mineWords(c.mine)}; ${who} ${serverVerb(c.server.status)} at ${shortTime(c.server.changedAt)}.`;
  return {
    sentence,
    keepMine: `Keep mine → ${STATUS_LABELS[keepMineTarget(c.mine, c.server.status)]}`,
    keepServers: `Keep server's → stays ${STATUS_LABELS[c.server.status]}`,
    steps: c.steps > 1 ? `${c.steps} steps you made offline, one decision.` : null,
  };
}
