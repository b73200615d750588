/**
 * The one line a technician reads after reconnecting: what others changed while they were
 * away, grouped by person ("Dana edited the note; Bob ticked 2 items").
 */
import { STATUS_LABELS, type JobStatus } from '@outpost/shared';

/** What others changed in one job, as the engine's `mergeSummary` event reports it. */
export interface MergeSummaryLike {
  jobId: string;
  notesAdded: readonly { author: string }[];
  notesEdited: readonly { id?: string; author: string }[];
  itemsTicked: readonly { by: string }[];
  itemsUnticked: readonly unknown[];
  photosAdded: readonly { by: string }[];
  messagesAdded?: readonly { author: string }[];
  signed: { signer: string } | null;
  status: { from: string; to: string; by: string } | null;
}

/** A user id as a display name when no better one is known: `dana` → `Dana`. */
export function displayName(id: string): string {
  return id ? id[0]!.toUpperCase() + id.slice(1) : 'Someone';
}

function count(n: number, one: string, many: string): string {
  return n === 1 ? one : `${n} ${many}`;
}

/** What the words may know beyond the summary. */
export interface MergeContext {
  /** A display name for a user id. */
  nameOf?: (id: string) => string;
  /** Who was seen (through presence) typing in a note; the summary itself only knows its author. */
  editorsOf?: (noteId: string) => readonly string[];
  /** This person's user id: their own note reads "your note". */
  selfId?: string;
}

/** The summary as one sentence, or null when nobody else changed anything. */
export function describeMerge(s: MergeSummaryLike, context: MergeContext = {}): string | null {
  const nameOf = context.nameOf ?? displayName;
  const unattributed: string[] = [];
  const byPerson = new Map<string, string[]>();
  const say = (who: string, phrase: string) => {
    const name = nameOf(who);
    byPerson.set(name, [...(byPerson.get(name) ?? []), phrase]);
  };
  const tally = (items: readonly { [k: string]: unknown }[], key: string) => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(String(item[key] ?? ''), (counts.get(String(item[key] ?? '')) ?? 0) + 1);
    return counts;
  };
  for (const note of s.notesEdited) {
    const editors = (note.id && context.editorsOf?.(note.id)) || [];
    if (editors.length > 0) for (const who of editors) say(who, 'edited the note');
    else unattributed.push(note.author === context.selfId ? 'your note was edited' : `${nameOf(note.author)}'s note was edited`);
  }
  for (const [who, n] of tally(s.notesAdded, 'author')) say(who, n === 1 ? 'added a note' : `added ${n} notes`);
  for (const [who, n] of tally(s.itemsTicked, 'by')) say(who, `ticked ${count(n, '1 item', 'items')}`);
  for (const [who, n] of tally(s.photosAdded, 'by')) say(who, n === 1 ? 'added a photo' : `added ${n} photos`);
  for (const [who, n] of tally(s.messagesAdded ?? [], 'author')) say(who, n === 1 ? 'sent a message' : `sent ${n} messages`);
  if (s.status) say(s.status.by, `moved the job to ${STATUS_LABELS[s.status.to as JobStatus] ?? s.status.to}`);
  const parts = [...byPerson].map(([name, phrases]) => `${name} ${[...new Set(phrases)].join(', ')}`);
  parts.push(...[...new Set(unattributed)].map((p) => p[0]!.toUpperCase() + p.slice(1)));
  if (s.itemsUnticked.length > 0) parts.push(`${count(s.itemsUnticked.length, '1 item was', 'items were')} unticked`);
  if (s.signed) parts.push(`${s.signed.signer || 'The customer'} signed`);
  return parts.length > 0 ? parts.join('; ') : null;
}
