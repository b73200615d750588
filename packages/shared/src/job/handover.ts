/**
 * Handovers: work a technician made on a job while assigned, that reached the server only
 * after they were taken off the job. The device hands it over as one Yjs update; the
 * server parks it for a dispatcher to merge or discard (docs/decisions.md, "Nothing
 * stranded"). These are the shapes both ends share, and the pure summary of what a
 * handover adds to a job ("1 note, 1 photo").
 */
import type { JobContent } from './schema';

/** How many things of each kind a handover adds or changes. */
export interface HandoverSummary {
  notes: number;
  checklist: number;
  photos: number;
  signature: number;
  time: number;
  refrigerant: number;
  lineItems: number;
  locations: number;
  /** Messages written to the office (absent in summaries stored before messages existed). */
  messages?: number;
}

/** Where a handover stands. */
export type HandoverState = 'parked' | 'merged' | 'discarded';

/** A handover as the API shows it (the Yjs bytes stay on the server). */
export interface Handover {
  id: string;
  jobId: string;
  technician: { id: string; name: string };
  deviceId: string;
  createdAt: string;
  /** Who took the technician off the job and when (null when the server has no record). */
  removal: { by: { id: string; name: string }; at: string } | null;
  summary: HandoverSummary;
  /** Photo and signature blobs (sha256) the work names. */
  blobs: string[];
  state: HandoverState;
  decidedBy: { id: string; name: string } | null;
  decidedAt: string | null;
}

/** Body of `POST /api/jobs/:id/handover`. */
export interface HandoverRequest {
  /** Chosen by the device; sending the same id again returns the first answer. */
  handoverId: string;
  deviceId: string;
  /** base64 of the Yjs update: the device's unsent changes to the job. */
  update: string;
}

/** How long after being taken off a job a technician may still hand its work over. */
export const HANDOVER_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

function byId<T>(list: readonly T[], id: (t: T) => string): Map<string, string> {
  return new Map(list.map((t) => [id(t), JSON.stringify(t)]));
}

/** Elements of `after` that are new or different from `before` (matched by id). */
function changed<T extends { id: string }>(before: readonly T[], after: readonly T[]): number {
  const old = byId(before, (t) => t.id);
  return after.filter((t) => old.get(t.id) !== JSON.stringify(t)).length;
}

/** What `after` (the job with the handover applied) adds to `before`, counted per kind. */
export function summarizeHandover(before: JobContent, after: JobContent): HandoverSummary {
  const pings = (c: JobContent) => new Set(c.locations.map((l) => JSON.stringify(l)));
  const oldPings = pings(before);
  return {
    notes: changed(before.notes, after.notes),
    checklist: changed(before.checklist, after.checklist),
    photos: changed(before.photos, after.photos),
    signature: JSON.stringify(before.signature) === JSON.stringify(after.signature) ? 0 : 1,
    time: changed(before.time, after.time),
    refrigerant: changed(before.refrigerant, after.refrigerant),
    lineItems: changed(before.lineItems, after.lineItems) + before.lineItems.filter((l) => !after.lineItems.some((a) => a.id === l.id)).length,
    locations: [...pings(after)].filter((p) => !oldPings.has(p)).length,
    messages: changed(before.messages, after.messages),
  };
}

/** The blobs (photo ids, signature image) `after` names that `before` does not. */
export function handoverBlobs(before: JobContent, after: JobContent): string[] {
  const known = new Set([...before.photos.map((p) => p.id), before.signature?.blob ?? '']);
  const named = [...after.photos.map((p) => p.id), after.signature?.blob ?? ''].filter((b) => b !== '');
  return [...new Set(named.filter((b) => !known.has(b)))];
}

/** Each kind of work a handover counts, with its words for one and for many. */
export const WORK_KINDS: readonly (readonly [keyof HandoverSummary, string, string])[] = [
  ['notes', 'note', 'notes'],
  ['checklist', 'checklist tick', 'checklist ticks'],
  ['photos', 'photo', 'photos'],
  ['signature', 'signature', 'signatures'],
  ['time', 'time entry', 'time entries'],
  ['refrigerant', 'refrigerant entry', 'refrigerant entries'],
  ['lineItems', 'line item', 'line items'],
  ['locations', 'location', 'locations'],
  ['messages', 'message', 'messages'],
];

/** "1 note, 1 photo" ('' when the summary counts nothing). */
export function handoverWords(summary: HandoverSummary): string {
  return WORK_KINDS.filter(([k]) => (summary[k] ?? 0) > 0)
    .map(([k, one, many]) => `${summary[k]} ${summary[k] === 1 ? one : many}`)
    .join(', ');
}
