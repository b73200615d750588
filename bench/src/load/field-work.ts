/**
 * The technician workload every server gets: real job-document edits made with the
 * shared writers (so Outpost's relay accepts them), in a fixed mix — mostly note typing,
 * some line-item quantity changes, some time entries. Checklist items are the office's
 * (a technician's device may only tick them), so the device's own list is line items.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { addLineItem, addNote, noteText, setLineItemQty, startTime, stopTime } from '@outpost/shared';

const LINE_ITEMS = 10;
const STAMP = '2025-01-01T08:00:00.000Z';
/**
 * Every bench device presents alice's token (servers/outpost.ts), and Outpost's relay
 * refuses an entry naming anyone but the writer as its author, so all entries name her.
 */
/** The technician every bench device signs in as. */
export const BENCH_USER = 'alice';

/** A technician's device copy of one job, ready for offline actions. */
export interface FieldDevice {
  doc: Y.Doc;
  actor: string;
  noteId: string;
  actions: number;
}

/** Makes a device doc with a note to type into and line items to adjust; `actor` names its entries' ids. */
export function newFieldDevice(jobId: string, actor: string): FieldDevice {
  return fieldDeviceOn(new Y.Doc({ guid: jobId }), actor);
}

/** Adds the note and checklist to an existing job doc (e.g. an `@outpost/client` session's). */
export function fieldDeviceOn(doc: Y.Doc, actor: string): FieldDevice {
  const noteId = `note-${actor}-${doc.clientID}`;
  addNote(doc, { id: noteId, author: BENCH_USER, createdAt: STAMP, text: '' });
  for (let i = 0; i < LINE_ITEMS; i++)
    addLineItem(doc, { id: `item-${actor}-${doc.clientID}-${i}`, pricebookId: `pb-${i}`, description: `Part ${i}`, qty: 1, unitPriceCents: 100 });
  return { doc, actor, noteId, actions: 0 };
}

/**
 * Makes one field action in the device doc (one Yjs transaction, so one update):
 * 80% a keystroke in the note, 10% a line item's quantity, 10% a time entry start or stop.
 */
export function fieldAction(device: FieldDevice): void {
  const n = device.actions++;
  const { doc, actor } = device;
  const at = new Date(Date.parse(STAMP) + n * 1000).toISOString();
  if (n % 10 === 3) {
    const item = ((n / 10) % LINE_ITEMS) | 0;
    setLineItemQty(doc, `item-${actor}-${doc.clientID}-${item}`, 1 + (Math.floor(n / 100) % 2));
  } else if (n % 10 === 7) {
    const entry = `time-${actor}-${doc.clientID}-${Math.floor(n / 20)}`;
    if (n % 20 === 7) startTime(doc, { id: entry, tech: BENCH_USER, start: at, kind: 'work' });
    else stopTime(doc, entry, at);
  } else {
    const text = noteText(doc, device.noteId)!;
    text.insert(text.length, String.fromCharCode(97 + (n % 26)));
  }
}

/** Keystrokes only (the fan-out and durable-write workloads): one character per update. */
export function typeKey(device: FieldDevice): void {
  const text = noteText(device.doc, device.noteId)!;
  text.insert(text.length, String.fromCharCode(97 + (device.actions++ % 26)));
}

/** One keystroke's update and the end clock (exclusive) of the device's items in it. */
export interface Keystroke {
  update: Uint8Array;
  end: number;
}

/** Types one keystroke on `device` now. */
export function keystroke(device: FieldDevice): Keystroke {
  const [update] = captureUpdates(device.doc, () => typeKey(device));
  return { update: update!, end: Y.getState(device.doc.store, device.doc.clientID) };
}

/**
 * Types `count` keystrokes on `device`, one update each, as `keystroke` would, for a fraction
 * of its cost: the first is typed through Yjs, the rest are encoded here and reach the
 * device's doc as one insert. A keystroke typed after another at the end of the same note
 * encodes the same bytes every time but for its clock and character (an item whose origin
 * is the keystroke before it); Yjs's transaction and re-encoding cost ~25 µs a keystroke,
 * which at 20,000 updates/s was half a second of the generator's core before every window
 * (type-ahead.test.ts checks the bytes and the doc against Yjs's own).
 */
export function keystrokes(device: FieldDevice, count: number): Keystroke[] {
  if (count <= 0) return [];
  const first = keystroke(device);
  const client = device.doc.clientID;
  const chars = Array.from({ length: count - 1 }, () => String.fromCharCode(97 + (device.actions++ % 26)));
  const typed = chars.map((ch, i) => ({ update: keystrokeAfter(client, first.end + i, ch), end: first.end + i + 1 }));
  // The same characters as one insert: the same items (ids, origins, content) as typed one
  // by one, which Yjs merges into one run anyway. (Applying the encoded run instead reads to
  // Yjs as another device using this doc's client id, and it takes a new one.)
  const text = noteText(device.doc, device.noteId)!;
  if (chars.length) text.insert(text.length, chars.join(''));
  return [first, ...typed];
}

/** A Yjs update (v1) of one character at `clock`, typed right after the item at `clock - 1`. */
function keystrokeAfter(client: number, clock: number, ch: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // clients
  encoding.writeVarUint(e, 1); // structs of the one client
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  encoding.writeUint8(e, 0x84); // an item with a left origin (bit 8) holding a string (content ref 4)
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock - 1);
  encoding.writeVarString(e, ch);
  encoding.writeVarUint(e, 0); // no deletions
  return encoding.toUint8Array(e);
}

/** Captures the updates `act` produces on the doc, in order. */
export function captureUpdates(doc: Y.Doc, act: () => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  const listen = (u: Uint8Array, origin: unknown) => {
    if (origin === null || origin === undefined) out.push(u);
  };
  doc.on('update', listen);
  try {
    act();
  } finally {
    doc.off('update', listen);
  }
  return out;
}
