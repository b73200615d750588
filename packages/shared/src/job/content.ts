/**
 * Writers for job content: everything a technician or dispatcher records on a job.
 * Each runs in one transaction, so it reaches other devices as one update.
 */
import * as Y from 'yjs';
import { jobRoots } from './doc';
import type { ChecklistItem, JobMeta, LineItem, LocationPing, Photo, RefrigerantEntry, Signature, TimeEntry } from './schema';

function mapOf(fields: object): Y.Map<unknown> {
  const m = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) m.set(k, v);
  return m;
}

function findById(arr: Y.Array<Y.Map<unknown>>, id: string): Y.Map<unknown> | undefined {
  for (const m of arr) if (m instanceof Y.Map && m.get('id') === id) return m;
  return undefined;
}

/** Sets job meta fields (dispatcher). */
export function setMeta(doc: Y.Doc, meta: Partial<JobMeta>): void {
  const r = jobRoots(doc);
  doc.transact(() => {
    for (const [k, v] of Object.entries(meta)) if (v !== undefined) r.meta.set(k, v);
  });
}

/** Adds a note and returns its collaborative text. */
export function addNote(doc: Y.Doc, note: { id: string; author: string; createdAt: string; text?: string }): Y.Text {
  const text = new Y.Text(note.text ?? '');
  doc.transact(() => {
    jobRoots(doc).notes.push([mapOf({ id: note.id, author: note.author, createdAt: note.createdAt, text })]);
  });
  return text;
}

/** The collaborative text of a note, or undefined when no note has that id. */
export function noteText(doc: Y.Doc, noteId: string): Y.Text | undefined {
  const text = findById(jobRoots(doc).notes, noteId)?.get('text');
  return text instanceof Y.Text ? text : undefined;
}

/** Adds a checklist item, not yet done. */
export function addChecklistItem(doc: Y.Doc, item: { id: string; label: string; required: boolean }): void {
  const full: ChecklistItem = { ...item, done: false, doneBy: null, doneAt: null };
  doc.transact(() => jobRoots(doc).checklist.push([mapOf(full)]));
}

/** Ticks or unticks a checklist item; false when no item has that id. */
export function setChecklistDone(doc: Y.Doc, itemId: string, done: boolean, by: string, at: string): boolean {
  const m = findById(jobRoots(doc).checklist, itemId);
  if (!m) return false;
  doc.transact(() => {
    m.set('done', done);
    m.set('doneBy', done ? by : null);
    m.set('doneAt', done ? at : null);
  });
  return true;
}

/** Records a photo's metadata; its bytes go through the blob queue. */
export function addPhoto(doc: Y.Doc, photo: Photo): void {
  const photos = jobRoots(doc).photos;
  if (findById(photos, photo.id)) return;
  doc.transact(() => photos.push([mapOf(photo)]));
}

/** Sets the caption of a photo (its author's or the office's to change). */
export function setPhotoCaption(doc: Y.Doc, photoId: string, caption: string): void {
  findById(jobRoots(doc).photos, photoId)?.set('caption', caption);
}

/** Records the customer's signature; `by` (who took it) travels with every key, in one update. */
export function setSignature(doc: Y.Doc, signature: Signature): void {
  const m = jobRoots(doc).signature;
  doc.transact(() => {
    m.set('blob', signature.blob);
    m.set('signer', signature.signer);
    m.set('signedAt', signature.signedAt);
    m.set('by', signature.by);
  });
}

/** Starts a time entry. */
export function startTime(doc: Y.Doc, entry: Omit<TimeEntry, 'end'>): void {
  doc.transact(() => jobRoots(doc).time.push([mapOf({ ...entry, end: null })]));
}

/** Stops a running time entry; false when no entry has that id. */
export function stopTime(doc: Y.Doc, entryId: string, end: string): boolean {
  const m = findById(jobRoots(doc).time, entryId);
  if (!m) return false;
  m.set('end', end);
  return true;
}

/** Logs refrigerant added to or recovered from a system. */
export function addRefrigerant(doc: Y.Doc, entry: RefrigerantEntry): void {
  doc.transact(() => jobRoots(doc).refrigerant.push([mapOf(entry)]));
}

/** Adds a line item. */
export function addLineItem(doc: Y.Doc, item: LineItem): void {
  doc.transact(() => jobRoots(doc).lineItems.push([mapOf(item)]));
}

/** Sets the quantity of a line item; false when no item has that id. */
export function setLineItemQty(doc: Y.Doc, itemId: string, qty: number): boolean {
  const m = findById(jobRoots(doc).lineItems, itemId);
  if (!m) return false;
  m.set('qty', qty);
  return true;
}

/** Removes a line item; false when no item has that id. */
export function removeLineItem(doc: Y.Doc, itemId: string): boolean {
  const arr = jobRoots(doc).lineItems;
  const index = arr.toArray().findIndex((m) => m instanceof Y.Map && m.get('id') === itemId);
  if (index < 0) return false;
  arr.delete(index, 1);
  return true;
}

/** Appends a location ping. */
export function addLocation(doc: Y.Doc, ping: LocationPing): void {
  jobRoots(doc).locations.push([ping]);
}
