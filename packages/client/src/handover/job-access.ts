/**
 * Why this device may no longer write a job, and what became of the work it held for it.
 * Kept on the device (meta store, `access:<jobId>`), so a reload still shows the job as
 * read-only with the reason, before any socket is refused again.
 */
import type { Handover, HandoverSummary } from '@outpost/shared';

/** What became of the job's unsent work. */
export type HandoverStatus =
  /** Nothing of this device's was waiting for the job. */
  | { state: 'nothing' }
  /** Unsent work is being handed to the office (retried until the server answers). */
  | { state: 'sending'; handoverId: string }
  /** The office has it, parked for a dispatcher to merge or discard. */
  | { state: 'sent'; handoverId: string; summary: HandoverSummary; decision: Handover['state'] }
  /** The server refused the handover: the work stays on this device (export it). */
  | { state: 'refused'; handoverId: string; error: { code: string; message: string } };

/** A job the server no longer lets this person write. */
export interface JobAccess {
  jobId: string;
  /** The job's title as this device had it (the job may no longer be in the person's list). */
  title: string | null;
  /** Who the refusal was for: another person signing in on this device sees their own. */
  userId: string;
  /** `removed`: taken off the job; `gone`: the server has no such job; `refused`: the relay refused its updates. */
  reason: 'removed' | 'gone' | 'refused';
  /** The server's words. */
  message: string;
  learnedAt: string;
  /** Who took this person off the job, and when (when the server told). */
  removal: Handover['removal'];
  handover: HandoverStatus;
}
