import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { classifyUpdate } from './classify';
import {
  addChecklistItem,
  addLineItem,
  addLocation,
  addNote,
  addPhoto,
  addRefrigerant,
  noteText,
  removeLineItem,
  setChecklistDone,
  setLineItemQty,
  setPhotoCaption,
  setSignature,
  startTime,
  stopTime,
} from './content';
import { jobRoots, newJobDoc } from './doc';
import { sendMessage } from './messages';
import { allRefusals, FIELD_RULES, type FieldWrite, type Writer } from './ownership';

const WRITERS: Writer[] = [
  { userId: 'alice', role: 'technician' },
  { userId: 'bob', role: 'technician' },
  { userId: 'dana', role: 'dispatcher' },
];

/** An edit a device makes; `as` is whom it names as author ('me' = the writer). */
type Edit =
  | { kind: 'note' | 'photo' | 'tick' | 'signature' | 'time' | 'refrigerant' | 'location' | 'message' | 'readMark'; as: 'me' | 'alice' | 'bob' }
  | { kind: 'type' | 'untick' | 'item' | 'meta' | 'required' | 'label' | 'caption' | 'stopTime' | 'dropNote' | 'dropPhoto' | 'dropItem' }
  | { kind: 'line' | 'qty' | 'dropLine' | 'blobOnly' | 'noteAuthor' | 'photoId' | 'strayField' | 'dropLocation' | 'editMessage' | 'dropMessage' };

const AS = fc.constantFrom('me' as const, 'alice' as const, 'bob' as const);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constantFrom(
      'note' as const,
      'photo' as const,
      'tick' as const,
      'signature' as const,
      'time' as const,
      'refrigerant' as const,
      'location' as const,
      'message' as const,
      'readMark' as const,
    ),
    as: AS,
  }),
  fc.record({
    kind: fc.constantFrom(
      'type' as const,
      'untick' as const,
      'item' as const,
      'meta' as const,
      'required' as const,
      'label' as const,
      'caption' as const,
      'stopTime' as const,
      'dropNote' as const,
      'dropPhoto' as const,
      'dropItem' as const,
    ),
  }),
  fc.record({
    kind: fc.constantFrom(
      'line' as const,
      'qty' as const,
      'dropLine' as const,
      'blobOnly' as const,
      'noteAuthor' as const,
      'photoId' as const,
      'strayField' as const,
      'dropLocation' as const,
      'editMessage' as const,
      'dropMessage' as const,
    ),
  }),
);

function applyEdit(doc: Y.Doc, e: Edit, n: number, writer: string): void {
  const r = jobRoots(doc);
  const who = 'as' in e ? (e.as === 'me' ? writer : e.as) : writer;
  const first = (arr: Y.Array<Y.Map<unknown>>) => arr.get(0) as Y.Map<unknown> | undefined;
  switch (e.kind) {
    case 'note':
      return void addNote(doc, { id: `n${n}`, author: who, createdAt: 't', text: 'hi' });
    case 'photo':
      return addPhoto(doc, { id: `p${n}`, kind: 'before', caption: '', mime: 'image/jpeg', bytes: 1, takenAt: 't', by: who });
    case 'tick':
      return void (first(r.checklist) && setChecklistDone(doc, String(first(r.checklist)!.get('id')), true, who, 't'));
    case 'untick':
      return void (first(r.checklist) && setChecklistDone(doc, String(first(r.checklist)!.get('id')), false, writer, 't'));
    case 'signature':
      return setSignature(doc, { blob: 'f'.repeat(64), signer: 'Pat', signedAt: 't', by: who });
    case 'blobOnly':
      return void r.signature.set('blob', 'e'.repeat(64));
    case 'time':
      return startTime(doc, { id: `t${n}`, tech: who, start: 't', kind: 'work' });
    case 'stopTime':
      return void (first(r.time) && stopTime(doc, String(first(r.time)!.get('id')), 't2'));
    case 'refrigerant':
      return addRefrigerant(doc, { id: `r${n}`, refrigerant: 'R-410A', action: 'added', amountOz: 2, cylinder: 'c', at: 't', by: who });
    case 'location':
      return addLocation(doc, { tech: who, lat: 1, lon: 2, accuracy: 3, at: 't' });
    case 'message':
      return sendMessage(doc, { id: `m${n}`, author: who, text: 'On my way', at: 't' });
    case 'readMark':
      return void r.messageReads.set(who, n + 1);
    case 'editMessage':
      return void first(r.messages)?.set('text', 'Never mind');
    case 'dropMessage':
      return void (r.messages.length > 0 && r.messages.delete(0, 1));
    case 'dropLocation':
      return void (r.locations.length > 0 && r.locations.delete(0, 1));
    case 'type':
      return void noteText(doc, String(first(r.notes)?.get('id')))?.insert(0, 'x');
    case 'item':
      return addChecklistItem(doc, { id: `c${n}`, label: 'Extra', required: false });
    case 'meta':
      return void r.meta.set('title', `t${n}`);
    case 'required':
      return void first(r.checklist)?.set('required', false);
    case 'label':
      return void first(r.checklist)?.set('label', 'Easy');
    case 'caption':
      return setPhotoCaption(doc, String(first(r.photos)?.get('id')), 'coil');
    case 'dropNote':
      return void (r.notes.length > 0 && r.notes.delete(0, 1));
    case 'dropPhoto':
      return void (r.photos.length > 0 && r.photos.delete(0, 1));
    case 'dropItem':
      return void (r.checklist.length > 0 && r.checklist.delete(0, 1));
    case 'line':
      return addLineItem(doc, { id: `l${n}`, pricebookId: 'pb', description: 'Filter', qty: 1, unitPriceCents: 900 });
    case 'qty':
      return void (first(r.lineItems) && setLineItemQty(doc, String(first(r.lineItems)!.get('id')), 3));
    case 'dropLine':
      return void (first(r.lineItems) && removeLineItem(doc, String(first(r.lineItems)!.get('id'))));
    case 'noteAuthor':
      return void first(r.notes)?.set('author', writer);
    case 'photoId':
      return void first(r.photos)?.set('id', 'a'.repeat(64));
    case 'strayField':
      return void first(r.notes)?.set('pinned', true);
  }
}

/** A job with an entry of each kind by alice, bob and the office. */
function serverDoc(): Y.Doc {
  const doc = newJobDoc('job-1');
  addChecklistItem(doc, { id: 'c0', label: 'Record pressures', required: true });
  addNote(doc, { id: 'n0', author: 'alice', createdAt: 't', text: 'Iced over' });
  addPhoto(doc, { id: 'p0', kind: 'before', caption: '', mime: 'image/jpeg', bytes: 1, takenAt: 't', by: 'bob' });
  startTime(doc, { id: 't0', tech: 'alice', start: 't', kind: 'work' });
  addLineItem(doc, { id: 'l0', pricebookId: 'pb', description: 'Labor', qty: 1, unitPriceCents: 100 });
  addLocation(doc, { tech: 'bob', lat: 0, lon: 0, accuracy: 1, at: 't' });
  sendMessage(doc, { id: 'm0', author: 'dana', text: 'Customer asks for a call first', at: 't' });
  return doc;
}

const MARK = Object.freeze({ sharedType: true });
const plainValue = (v: unknown) => (v instanceof Y.AbstractType ? MARK : v);
const idOf = (item: Y.Item) => `${item.id.client}:${item.id.clock}`;
const authorField = (root: string) => (FIELD_RULES[root as keyof typeof FIELD_RULES] as { author?: string }).author;

/**
 * Ground truth, found without classify's struct walking: apply the update to a copy of
 * the server's doc and read what changed from the transaction, per root, entry and field.
 */
function observedWrites(base: Y.Doc, update: Uint8Array): FieldWrite[] {
  const copy = new Y.Doc({ gc: false });
  jobRoots(copy); // typed roots, so the transaction shows maps and arrays as such
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base));
  const writes: FieldWrite[] = [];
  const rootName = (t: Y.AbstractType<unknown>) => [...copy.share].find(([, v]) => v === t)?.[0] ?? '?';
  const baseAuthor = (root: string, entry: Y.Item) => {
    const field = authorField(root);
    const content = entry.content;
    // Read raw: a removed entry's map answers nothing through get().
    return field && content instanceof Y.ContentType && content.type instanceof Y.Map ? content.type._map.get(field)?.content.getContent()[0] : undefined;
  };
  copy.on('afterTransaction', (tr: Y.Transaction) => {
    const isNew = (item: Y.Item) => item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
    const entryFields = (root: string, entry: Y.Item, map: Y.Map<unknown>, keys: Iterable<string>, fresh: boolean) => {
      for (const key of keys) {
        writes.push({
          at: 'field',
          root,
          entry: idOf(entry),
          isNew: fresh,
          author: fresh ? undefined : baseAuthor(root, entry),
          key,
          value: plainValue(map.get(key)),
          deleted: !map.has(key),
          nested: false,
        });
      }
    };
    for (const [type, keys] of tr.changed) {
      const t = type as Y.AbstractType<unknown>;
      if (t._item === null) {
        const root = rootName(t);
        if (t instanceof Y.Map) for (const key of keys) if (key !== null) writes.push({ at: 'key', root, key, value: plainValue(t.get(key)), deleted: !t.has(key) });
        if (t instanceof Y.Array) {
          for (let item = t._start; item; item = item.right) {
            if (item.deleted || !isNew(item)) continue;
            const c = item.content;
            writes.push({
              at: 'insert',
              root,
              entry: idOf(item),
              shape: c instanceof Y.ContentType ? 'map' : 'values',
              values: c instanceof Y.ContentAny ? c.getContent() : undefined,
            });
            if (c instanceof Y.ContentType && c.type instanceof Y.Map) entryFields(root, item, c.type, c.type.keys(), true);
          }
        }
        continue;
      }
      // A type inside an entry: the entry map itself, or a note's text.
      const parent = t._item.parent as Y.AbstractType<unknown>;
      if (parent._item === null) {
        entryFields(
          rootName(parent),
          t._item,
          t as Y.Map<unknown>,
          [...keys].filter((k): k is string => k !== null),
          false,
        );
      } else {
        const entry = parent._item;
        const root = rootName(entry.parent as Y.AbstractType<unknown>);
        writes.push({ at: 'field', root, entry: idOf(entry), isNew: false, author: baseAuthor(root, entry), key: t._item.parentSub ?? '#', deleted: false, nested: true });
      }
    }
    Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
      if (!(s instanceof Y.Item) || isNew(s)) return;
      const parent: unknown = s.parent;
      if (!(parent instanceof Y.Array) || parent._item !== null) return; // field and text deletions show in `changed`
      const root = rootName(parent as Y.AbstractType<unknown>);
      const values = s.content instanceof Y.ContentAny ? s.content.getContent() : [undefined];
      const field = authorField(root);
      for (const v of values) writes.push({ at: 'remove', root, entry: idOf(s), author: v === undefined ? baseAuthor(root, s) : field && (v as Record<string, unknown>)[field] });
    });
  });
  Y.applyUpdate(copy, update);
  return writes;
}

describe('field ownership (classifyUpdate with a writer)', () => {
  it('refuses exactly the updates whose observed field writes the field table refuses, with one of their codes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WRITERS), fc.array(edit, { minLength: 1, maxLength: 5 }), (writer, edits) => {
        const server = serverDoc();
        const device = new Y.Doc();
        Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
        edits.forEach((e, n) => applyEdit(device, e, n, writer.userId));
        const update = Y.encodeStateAsUpdate(device, Y.encodeStateVector(server));
        const expected = allRefusals(observedWrites(server, update), writer);
        const verdict = classifyUpdate(update, server, writer);
        expect(verdict.ok, `${JSON.stringify(edits)} by ${writer.userId}: ${verdict.ok ? 'ok' : verdict.detail}; expected ${JSON.stringify(expected)}`).toBe(expected.length === 0);
        if (!verdict.ok) expect(expected.map((r) => r.code)).toContain(verdict.code);
      }),
      { numRuns: 1000 },
    );
  }, 30_000); // a thousand docs built and compared; the bound is for a loaded machine, not a speed check

  const server = serverDoc();
  const alice: Writer = { userId: 'alice', role: 'technician' };
  const dana: Writer = { userId: 'dana', role: 'dispatcher' };
  const verdictOf = (writer: Writer, change: (doc: Y.Doc) => void) => {
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
    change(device);
    return classifyUpdate(Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)), server, writer);
  };

  it('refuses a technician making a required checklist item optional, naming the field', () => {
    const verdict = verdictOf(alice, (d) => (jobRoots(d).checklist.get(0) as Y.Map<unknown>).set('required', false));
    expect(verdict).toMatchObject({ ok: false, code: 'office_field' });
    expect(!verdict.ok && verdict.detail).toMatch(/checklist\[.*\]\.required/);
    expect(verdictOf(dana, (d) => (jobRoots(d).checklist.get(0) as Y.Map<unknown>).set('required', false)).ok).toBe(true);
  });

  it('refuses a signature that names another person as its taker, or none', () => {
    expect(verdictOf(alice, (d) => setSignature(d, { blob: 'f'.repeat(64), signer: 'Pat', signedAt: 't', by: 'bob' }))).toMatchObject({ ok: false, code: 'wrong_author' });
    expect(verdictOf(alice, (d) => jobRoots(d).signature.set('blob', 'not-a-real-blob'))).toMatchObject({
      ok: false,
      code: 'wrong_author',
      detail: expect.stringContaining('signature.by'),
    });
    expect(verdictOf(alice, (d) => setSignature(d, { blob: 'f'.repeat(64), signer: 'Pat', signedAt: 't', by: 'alice' })).ok).toBe(true);
  });

  it("lets a technician type into a colleague's note but not remove it; the office may", () => {
    expect(verdictOf(alice, (d) => noteText(d, 'n0')!.insert(0, 'Update: ')).ok).toBe(true);
    expect(verdictOf({ userId: 'bob', role: 'technician' }, (d) => jobRoots(d).notes.delete(0, 1))).toMatchObject({ ok: false, code: 'not_author' });
    expect(verdictOf(alice, (d) => jobRoots(d).notes.delete(0, 1)).ok).toBe(true);
    expect(verdictOf(dana, (d) => jobRoots(d).notes.delete(0, 1)).ok).toBe(true);
  });

  it('refuses an office field written as a concurrent first write (the item names its parent, no neighbour)', () => {
    const office = newJobDoc('job-2');
    const entry = new Y.Map<unknown>();
    office.getArray('checklist').push([entry]);
    const bare = Y.encodeStateAsUpdate(office); // the entry before any of its fields
    office.transact(() => {
      entry.set('id', 'c9');
      entry.set('label', 'Leak test');
      entry.set('required', true);
    });
    const device = new Y.Doc();
    Y.applyUpdate(device, bare);
    (device.getArray('checklist').get(0) as Y.Map<unknown>).set('required', false);
    const update = Y.encodeStateAsUpdate(device, Y.encodeStateVector(office));
    const item = Y.decodeUpdate(update).structs[0] as Y.Item;
    expect({ origin: item.origin, parentSub: item.parentSub }).toEqual({ origin: null, parentSub: 'required' });
    expect(classifyUpdate(update, office, alice)).toMatchObject({ ok: false, code: 'office_field', detail: expect.stringContaining('.required') });
  });

  it('refuses a tick that names nobody', () => {
    const verdict = verdictOf(alice, (d) => {
      const item = jobRoots(d).checklist.get(0) as Y.Map<unknown>;
      item.set('done', true);
      item.set('doneBy', null);
    });
    expect(verdict).toMatchObject({ ok: false, code: 'wrong_author', detail: expect.stringContaining('doneBy') });
    expect(verdictOf(alice, (d) => setChecklistDone(d, 'c0', false, 'alice', 't')).ok).toBe(true);
  });

  it('holds the office to authorship too: a dispatcher ticks as herself', () => {
    expect(verdictOf(dana, (d) => setChecklistDone(d, 'c0', true, 'alice', 't'))).toMatchObject({ ok: false, code: 'wrong_author' });
    expect(verdictOf(dana, (d) => setChecklistDone(d, 'c0', true, 'dana', 't')).ok).toBe(true);
  });
});
