/**
 * The words for a job this person may no longer write: who took them off it and when,
 * and what became of the work they had not sent ("your note and photo were sent to the
 * office"), or why a closed job takes nothing more. Pure, so the sentences are tested.
 */
import type { JobAccess } from '@outpost/client';
import { STATUS_LABELS, WORK_KINDS, type HandoverSummary, type JobStatus } from '@outpost/shared';

/** "note and photo", "2 notes, checklist tick and photo" ('' for nothing). */
export function workWords(summary: HandoverSummary): string {
  const parts = WORK_KINDS.filter(([k]) => (summary[k] ?? 0) > 0).map(([k, one, many]) => (summary[k] === 1 ? one : `${summary[k]} ${many}`));
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "You were removed from this job by Dana at 11:05; your note and photo were sent to the office." */
export function accessSentence(access: JobAccess): string {
  if (access.reason === 'gone') return 'This job no longer exists on the server; what you made on it stays on this device (export it from Offline Actions).';
  const who = access.removal ? ` by ${access.removal.by.name.split(' ')[0]} at ${clock(access.removal.at)}` : '';
  const head = access.reason === 'removed' ? `You were removed from this job${who}` : `The server refused this job's changes: ${access.message}`;
  const h = access.handover;
  if (h.state === 'nothing') return `${head}.`;
  if (h.state === 'sending') return `${head}; your unsent work is being sent to the office.`;
  if (h.state === 'refused') return `${head}; your unsent work could not be sent to the office (${h.error.message}) and stays on this device: export it from Offline Actions.`;
  const words = workWords(h.summary);
  if (!words) return `${head}; the office already had all your work.`;
  const verb = Object.values(h.summary).reduce((a, b) => a + b, 0) === 1 ? 'was' : 'were';
  const decided = h.decision === 'merged' ? ', and the office merged it into the job' : h.decision === 'discarded' ? ', and the office discarded it' : '';
  return `${head}; your ${words} ${verb} sent to the office${decided}.`;
}

/** Why a closed job takes no more changes from a technician (null while it is open). */
export function closedSentence(status: JobStatus): string | null {
  if (status === 'completed') return `This job is ${STATUS_LABELS.completed.toLowerCase()}: it is read-only except for notes. Ask the office to reopen it to change anything else.`;
  if (status === 'cancelled') return `This job is ${STATUS_LABELS.cancelled.toLowerCase()}: it is read-only. Ask the office to reopen it.`;
  return null;
}
