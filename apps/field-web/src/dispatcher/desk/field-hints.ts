/**
 * What the field work adds to the schedule board, read from the job docs held open on this
 * device (`useJobDigests`): unread messages per job, each technician's last known position
 * with its age, and jobs the field requested.
 */
import type { JobDigest } from '@outpost/client/react';
import { unreadCount } from '@outpost/shared';
import { ageWords, lastPositions } from '../TechnicianPositions';

/** The roots the board reads from each job's doc. */
export const DESK_ROOTS = ['messages', 'messageReads', 'locations'] as const;
/** One job's digest for the board. */
export type DeskDigest = JobDigest<(typeof DESK_ROOTS)[number]>;

/** Unread messages by others on one job for `userId`. */
export function unreadOf(digest: DeskDigest | undefined, userId: string): number {
  return digest ? unreadCount(digest.messages, digest.messageReads, userId) : 0;
}

/** "45.512, -122.658 · 4 min ago" per technician, from the newest location ping on any job. */
export function positionHints(digests: Iterable<DeskDigest>, now: number): Map<string, string> {
  const hints = new Map<string, string>();
  for (const [tech, p] of lastPositions([...digests].flatMap((d) => d.locations))) {
    hints.set(tech, `${p.lat.toFixed(3)}, ${p.lon.toFixed(3)} · ${ageWords(p.at, now)}`);
  }
  return hints;
}

/** Whether a job is a request from the field awaiting the office. */
export function isRequest(job: { status: string }): boolean {
  return job.status === 'requested';
}
