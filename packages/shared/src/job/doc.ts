/**
 * Typed access to a job's Y.Doc: its root types, and a plain-data snapshot of it.
 * Writers live in content.ts (device content) and server-state.ts (server only).
 */
import * as Y from 'yjs';
import type { ChecklistItem, JobMessage, JobContent, JobMeta, LineItem, LocationPing, MessageReads, Note, Photo, RefrigerantEntry, Signature, TimeEntry } from './schema';
import { readServerState } from './server-state';

/** The root types of a job doc, typed. */
export interface JobRoots {
  meta: Y.Map<unknown>;
  notes: Y.Array<Y.Map<unknown>>;
  checklist: Y.Array<Y.Map<unknown>>;
  photos: Y.Array<Y.Map<unknown>>;
  signature: Y.Map<unknown>;
  time: Y.Array<Y.Map<unknown>>;
  refrigerant: Y.Array<Y.Map<unknown>>;
  lineItems: Y.Array<Y.Map<unknown>>;
  locations: Y.Array<LocationPing>;
  messages: Y.Array<Y.Map<unknown>>;
  messageReads: Y.Map<unknown>;
  server: Y.Map<unknown>;
}

/** The typed root types of a job doc. Getting a root type writes nothing. */
export function jobRoots(doc: Y.Doc): JobRoots {
  return {
    meta: doc.getMap('meta'),
    notes: doc.getArray('notes'),
    checklist: doc.getArray('checklist'),
    photos: doc.getArray('photos'),
    signature: doc.getMap('signature'),
    time: doc.getArray('time'),
    refrigerant: doc.getArray('refrigerant'),
    lineItems: doc.getArray('lineItems'),
    locations: doc.getArray('locations'),
    messages: doc.getArray('messages'),
    messageReads: doc.getMap('messageReads'),
    server: doc.getMap('server'),
  };
}

/** A new, empty job doc whose guid is the job id. */
export function newJobDoc(jobId: string): Y.Doc {
  const doc = new Y.Doc({ guid: jobId });
  jobRoots(doc);
  return doc;
}

function plain<T>(m: Y.Map<unknown>): T {
  return m.toJSON() as T;
}

/**
 * The Y.Map entries of a list. Any device may write any shape into a content root, so a
 * reader skips entries that are not maps instead of letting one bad update break the job.
 */
function maps(arr: { toArray(): unknown[] }): Y.Map<unknown>[] {
  return arr.toArray().filter((m): m is Y.Map<unknown> => m instanceof Y.Map);
}

function isPing(p: unknown): p is LocationPing {
  return typeof p === 'object' && p !== null && !(p instanceof Y.AbstractType) && typeof (p as LocationPing).lat === 'number';
}

/** Reads one note, its Y.Text flattened to a string. */
export function readNote(m: Y.Map<unknown>): Note {
  const text = m.get('text');
  return {
    id: String(m.get('id')),
    author: String(m.get('author') ?? ''),
    createdAt: String(m.get('createdAt') ?? ''),
    text: text instanceof Y.Text ? text.toString() : '',
  };
}

/** Reads one message; a message missing its fields reads with empty ones (skipped by readers). */
function readMessage(m: Y.Map<unknown>): JobMessage {
  const str = (k: string) => (typeof m.get(k) === 'string' ? (m.get(k) as string) : '');
  return { id: str('id'), author: str('author'), text: str('text'), at: str('at') };
}

/** Read marks that are counts; anything else a device wrote is ignored. */
function readMarks(m: Y.Map<unknown>): MessageReads {
  const marks: MessageReads = {};
  for (const [user, n] of m.entries()) if (typeof n === 'number' && Number.isFinite(n) && n >= 0) marks[user] = n;
  return marks;
}

/** How each root of a job doc reads as plain data. */
const ROOT_READERS: { [K in keyof JobContent]: (r: JobRoots, doc: Y.Doc) => JobContent[K] } = {
  meta: (r) => plain<Partial<JobMeta>>(r.meta),
  notes: (r) => maps(r.notes).map(readNote),
  checklist: (r) => maps(r.checklist).map((m) => plain<ChecklistItem>(m)),
  photos: (r) => maps(r.photos).map((m) => plain<Photo>(m)),
  signature: (r) => (r.signature.has('blob') ? plain<Signature>(r.signature) : null),
  time: (r) => maps(r.time).map((m) => plain<TimeEntry>(m)),
  refrigerant: (r) => maps(r.refrigerant).map((m) => plain<RefrigerantEntry>(m)),
  lineItems: (r) => maps(r.lineItems).map((m) => plain<LineItem>(m)),
  locations: (r) => r.locations.toArray().filter(isPing),
  messages: (r) =>
    maps(r.messages)
      .map(readMessage)
      .filter((m) => m.id !== ''),
  messageReads: (r) => readMarks(r.messageReads),
  server: (_r, doc) => readServerState(doc),
};

/** One root of a job doc as plain data: what `readJob(doc)[root]` holds, without reading the rest. */
export function readJobRoot<K extends keyof JobContent>(doc: Y.Doc, root: K): JobContent[K] {
  return ROOT_READERS[root](jobRoots(doc), doc);
}

/** A plain-data snapshot of the whole job doc. */
export function readJob(doc: Y.Doc): JobContent {
  const r = jobRoots(doc);
  const read = <K extends keyof JobContent>(root: K): JobContent[K] => ROOT_READERS[root](r, doc);
  return {
    meta: read('meta'),
    notes: read('notes'),
    checklist: read('checklist'),
    photos: read('photos'),
    signature: read('signature'),
    time: read('time'),
    refrigerant: read('refrigerant'),
    lineItems: read('lineItems'),
    locations: read('locations'),
    messages: read('messages'),
    messageReads: read('messageReads'),
    server: read('server'),
  };
}

/** The facts the status machine's guards read from the merged doc. */
export interface JobFacts {
  /** Labels of required checklist items not yet done. */
  openRequired: string[];
  hasSignature: boolean;
  /** The sha256 the signature names, or null. */
  signatureBlob?: string | null;
  /**
   * Whether the signature's image is stored on the server: a device can write any hash
   * into the doc, but not the bytes. Set by the server only; undefined on devices.
   */
  signatureStored?: boolean;
}

/** Reads the guard facts from a job doc. */
export function readJobFacts(doc: Y.Doc): JobFacts {
  const r = jobRoots(doc);
  const openRequired = maps(r.checklist)
    .filter((m) => m.get('required') === true && m.get('done') !== true)
    .map((m) => String(m.get('label') ?? m.get('id')));
  const blob = r.signature.get('blob');
  return { openRequired, signatureBlob: typeof blob === 'string' ? blob : null, hasSignature: typeof blob === 'string' };
}
