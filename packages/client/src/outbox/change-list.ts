/**
 * Content changes as a person counts them (docs/contracts.md, "Every change is listed"):
 * the pending doc updates grouped into changes (jobs/pending-updates.ts), with a photo or
 * signature and its upload counted as ONE change. Pure: the pending count, the Offline
 * Actions list and the drained notice all read their units from here.
 *
 * A unit's key is stable for its whole life, whichever half of it is still pending: a
 * photo is `photo:<sha256>` from its doc change and from its blob alike, a signature is
 * `signature:<jobId>`, one element (a note, a time entry, a checklist item) is
 * `thing:<jobId>:<target>` however many bursts it took, anything else is `change:<id>`.
 */
import type { UnsentBlob } from '../blobs/blob-queue';
import type { AttemptFailure } from '../sync/retry-schedule';

/** What a pending doc update record says about its change. */
export interface ChangeRecord {
  jobId: string;
  /** The change the update belongs to; absent on records older than change grouping. */
  change?: string;
  /** What it touched, e.g. `notes/n1` (jobs/change-target.ts). */
  target?: string;
  at: string;
  /** A merged record (jobs/pending-updates.ts): every change it holds, with what each touched. */
  changes?: [change: string, target: string][];
}

/** A stored record as the changes it holds: one per change of a merged record, else itself. */
export function changesIn(record: ChangeRecord): ChangeRecord[] {
  return record.changes?.map(([change, target]) => ({ jobId: record.jobId, change, target, at: record.at })) ?? [record];
}

/** What kind of thing a change touched. */
export type ChangeKind = 'note' | 'checklist' | 'photo' | 'signature' | 'time' | 'refrigerant' | 'lineItem' | 'location' | 'message' | 'read' | 'details' | 'other';

/** One content change as listed. */
export interface ContentChange {
  key: string;
  jobId: string;
  kind: ChangeKind;
  /** "Note written", "Photo added", … */
  words: string;
  state: 'pending' | 'failed';
  /** When it was made (its first update, or the blob's keeping). */
  at: string;
  /** The blob riding with it (photo, signature), if not yet uploaded. */
  blob?: UnsentBlob;
  /** Why it cannot upload (blob refused or flagged, job refused by the relay). */
  error?: AttemptFailure;
}

const KIND_BY_ROOT: Record<string, ChangeKind> = {
  notes: 'note',
  checklist: 'checklist',
  photos: 'photo',
  signature: 'signature',
  time: 'time',
  refrigerant: 'refrigerant',
  lineItems: 'lineItem',
  locations: 'location',
  messages: 'message',
  messageReads: 'read',
  meta: 'details',
};

/** The words for each kind of change. */
export const CHANGE_WORDS: Record<ChangeKind, string> = {
  note: 'Note written',
  checklist: 'Item ticked',
  photo: 'Photo added',
  signature: 'Signature',
  time: 'Time logged',
  refrigerant: 'Refrigerant logged',
  lineItem: 'Line item added',
  location: 'Location shared',
  message: 'Message written',
  read: 'Messages read',
  details: 'Job details edited',
  other: 'Job edited',
};

function kindOf(target: string | undefined): ChangeKind {
  const roots = new Set(
    (target ?? '')
      .split(' ')
      .filter(Boolean)
      .map((t) => t.split('/')[0]!),
  );
  if (roots.size !== 1) return 'other';
  return KIND_BY_ROOT[[...roots][0]!] ?? 'other';
}

function keyOf(record: ChangeRecord, index: number): string {
  const target = record.target ?? '';
  if (/^photos\/[0-9a-f]{64}$/.test(target)) return `photo:${target.slice('photos/'.length)}`;
  if (target === 'signature') return `signature:${record.jobId}`;
  // One thing edited in several bursts (a clock started, then stopped after other work) is
  // still one thing waiting to upload.
  if (/^[A-Za-z]+\/[^ ]+$/.test(target)) return `thing:${record.jobId}:${target}`;
  return record.change ? `change:${record.change}` : `record:${record.jobId}:${index}`;
}

function blobKey(blob: UnsentBlob): string {
  return blob.role === 'signature' && blob.jobId ? `signature:${blob.jobId}` : `photo:${blob.sha256}`;
}

/**
 * The content changes not yet on the server: pending doc changes and unsent blobs, one
 * unit each (a photo's doc change and its blob are one), oldest first. Changes of jobs in
 * `refused` cannot upload and are listed as failed with that reason.
 */
export function listContentChanges(records: readonly ChangeRecord[], blobs: readonly UnsentBlob[], refused: ReadonlyMap<string, string> = new Map()): ContentChange[] {
  const units = new Map<string, ContentChange>();
  records.forEach((record, index) => {
    const key = keyOf(record, index);
    if (units.has(key)) return;
    const kind = kindOf(record.target);
    units.set(key, { key, jobId: record.jobId, kind, words: CHANGE_WORDS[kind], state: 'pending', at: record.at });
  });
  for (const blob of blobs) {
    const key = blobKey(blob);
    const kind: ChangeKind = blob.role ?? 'photo';
    const unit = units.get(key) ?? { key, jobId: blob.jobId ?? '', kind, words: CHANGE_WORDS[kind], state: 'pending', at: blob.createdAt };
    units.set(key, { ...unit, blob, ...(blob.error && { error: blob.error }), ...(blob.state === 'failed' && { state: 'failed' as const }) });
  }
  for (const unit of units.values()) {
    const reason = refused.get(unit.jobId);
    if (reason !== undefined && unit.state === 'pending') Object.assign(unit, { state: 'failed', error: { code: 'forbidden', message: reason, kind: 'permanent' } });
  }
  return [...units.values()].sort((a, b) => a.at.localeCompare(b.at));
}
