/**
 * Merge summary: what other people changed in a job while this device was away, so the
 * app can say "Dana added a note, Bob ticked 'Check filter'". Pure: compares the job
 * before the reconnect's sync with the job after it; everything in between came from the
 * server, i.e. from others.
 */
import type { JobContent, JobStatus } from '@outpost/shared';

/** What others changed in one job. */
export interface MergeSummary {
  jobId: string;
  notesAdded: { id: string; author: string; text: string }[];
  notesEdited: { id: string; author: string }[];
  itemsTicked: { id: string; label: string; by: string }[];
  itemsUnticked: { id: string; label: string }[];
  photosAdded: { id: string; by: string; kind: string }[];
  /** Messages others wrote meanwhile (absent in summaries made before messages existed). */
  messagesAdded?: { id: string; author: string; text: string }[];
  signed: { signer: string } | null;
  /** A status change by someone else (only when the job's status was known before). */
  status: { from: JobStatus; to: JobStatus; by: string } | null;
}

/** True when a job doc snapshot holds anything at all (a job this device knew before). */
export function hasContent(job: JobContent): boolean {
  return Object.keys(job.meta).length > 0 || job.notes.length + job.checklist.length + job.photos.length + job.time.length + job.lineItems.length > 0 || job.server !== null;
}

/** Compares two snapshots of a job; null when nothing changed that a person would notice. */
export function summarizeMerge(jobId: string, before: JobContent, after: JobContent): MergeSummary | null {
  const notesBefore = new Map(before.notes.map((n) => [n.id, n]));
  const itemsBefore = new Map(before.checklist.map((c) => [c.id, c]));
  const photosBefore = new Set(before.photos.map((p) => p.id));
  const summary: MergeSummary = {
    jobId,
    notesAdded: after.notes.filter((n) => !notesBefore.has(n.id)).map(({ id, author, text }) => ({ id, author, text })),
    notesEdited: after.notes.filter((n) => notesBefore.has(n.id) && notesBefore.get(n.id)!.text !== n.text).map(({ id, author }) => ({ id, author })),
    itemsTicked: after.checklist.filter((c) => c.done && itemsBefore.get(c.id)?.done !== true).map(({ id, label, doneBy }) => ({ id, label, by: doneBy ?? '' })),
    itemsUnticked: after.checklist.filter((c) => !c.done && itemsBefore.get(c.id)?.done === true).map(({ id, label }) => ({ id, label })),
    photosAdded: after.photos.filter((p) => !photosBefore.has(p.id)).map(({ id, by, kind }) => ({ id, by, kind })),
    messagesAdded: after.messages.filter((m) => !before.messages.some((b) => b.id === m.id)).map(({ id, author, text }) => ({ id, author, text })),
    signed: after.signature && after.signature.blob !== before.signature?.blob ? { signer: after.signature.signer } : null,
    status:
      after.server && before.server && after.server.status !== before.server.status
        ? { from: before.server.status, to: after.server.status, by: after.server.changedBy ?? '' }
        : null,
  };
  const changed =
    summary.notesAdded.length +
      summary.notesEdited.length +
      summary.itemsTicked.length +
      summary.itemsUnticked.length +
      summary.photosAdded.length +
      (summary.messagesAdded?.length ?? 0) >
      0 ||
    summary.signed !== null ||
    summary.status !== null;
  return changed ? summary : null;
}
