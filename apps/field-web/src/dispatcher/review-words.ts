/**
 * The words of a review mark: "Completed by Alice over your cancel — review".
 */
import { STATUS_LABELS, type JobStatus } from '@outpost/shared';
import { displayName } from '../sync/merge-words';

/** An open review mark as `GET /api/reviews` returns it. */
export interface ReviewMark {
  jobId: string;
  opId: string;
  status: JobStatus;
  by: string;
  at: string;
  over: { status: JobStatus; by: string | null } | null;
}

function overNoun(status: JobStatus): string {
  if (status === 'cancelled') return 'cancel';
  if (status === 'completed') return 'completion';
  return `${STATUS_LABELS[status]} status`;
}

/** The mark's sentence, from the reading dispatcher's point of view. */
export function reviewWords(mark: ReviewMark, selfId: string): string {
  const head = `${STATUS_LABELS[mark.status]} by ${displayName(mark.by)}`;
  if (!mark.over) return `${head} as an override — review`;
  const whose = mark.over.by === selfId ? 'your' : `${displayName(mark.over.by ?? '')}'s`;
  return `${head} over ${whose} ${overNoun(mark.over.status)} — review`;
}
