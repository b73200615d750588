import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { classifyByWalk, classifyUpdate, decodeJobUpdate } from './classify';
import { addChecklistItem, addLineItem, addNote, noteText, setChecklistDone, setLineItemQty } from './content';
import { continuedItem } from './structs';
import { jobRoots, newJobDoc } from './doc';
import { isClientRoot } from './schema';
import { writeServerState } from './server-state';

/** The dispatcher: the office may write every client root, so only root rules refuse what she sends. */
const office = { userId: 'dana', role: 'dispatcher' } as const;

/** A device edit; some of them write where a device must not. */
type Edit =
  | { kind: 'note'; text: string }
  | { kind: 'type'; text: string }
  | { kind: 'item' }
  | { kind: 'tick' }
  | { kind: 'meta'; key: string }
  | { kind: 'serverSet'; key: string }
  | { kind: 'serverDelete' }
  | { kind: 'unknownRoot'; name: string }
  | { kind: 'nestedUnknown' }
  | { kind: 'serverNested' }
  | { kind: 'noteField' };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('note' as const), text: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('type' as const), text: fc.string({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('item' as const) }),
  fc.record({ kind: fc.constant('tick' as const) }),
  fc.record({ kind: fc.constant('meta' as const), key: fc.constantFrom('title', 'siteAddress') }),
  fc.record({ kind: fc.constant('serverSet' as const), key: fc.constantFrom('status', 'version', 'assignees', 'x') }),
  fc.record({ kind: fc.constant('serverDelete' as const) }),
  fc.record({ kind: fc.constant('unknownRoot' as const), name: fc.constantFrom('hack', 'status', 'notes2', '__proto__') }),
  fc.record({ kind: fc.constant('nestedUnknown' as const) }),
  fc.record({ kind: fc.constant('serverNested' as const) }),
  fc.record({ kind: fc.constant('noteField' as const) }),
);

function applyEdit(doc: Y.Doc, e: Edit, n: number): void {
  const r = jobRoots(doc);
  switch (e.kind) {
    case 'note':
      addNote(doc, { id: `n${n}`, author: 'dana', createdAt: 't', text: e.text });
      break;
    case 'type': {
      const first = r.notes.get(0);
      if (first) noteText(doc, String(first.get('id')))?.insert(0, e.text);
      break;
    }
    case 'item':
      addChecklistItem(doc, { id: `c${n}`, label: 'Check filter', required: n % 2 === 0 });
      break;
    case 'tick': {
      const first = r.checklist.get(0);
      if (first) setChecklistDone(doc, String(first.get('id')), true, 'dana', 't');
      break;
    }
    case 'meta':
      r.meta.set(e.key, `v${n}`);
      break;
    case 'serverSet':
      r.server.set(e.key, 'completed');
      break;
    case 'serverDelete':
      if (r.server.size > 0) r.server.delete([...r.server.keys()][0]!);
      break;
    case 'unknownRoot':
      doc.getMap(e.name).set('k', n);
      break;
    case 'nestedUnknown':
      // a map nested under notes is fine; under an unknown root it is not
      doc.getArray('hackList').push([new Y.Map()]);
      break;
    case 'serverNested':
      // a key inside a nested map that lives under the server root
      (r.server.get('review') as Y.Map<unknown> | undefined)?.set('flag', n);
      break;
    case 'noteField':
      r.notes.get(0)?.set('author', `tech${n}`);
      break;
  }
}

/** Field refusals a dispatcher's edits can meet: only changing a note's fixed author. */
function e2codes(edits: Edit[]): string[] {
  return edits.some((e) => e.kind === 'noteField') ? ['bad_field'] : [];
}

/** Ground truth: apply the update to a copy of the server's doc and see which roots changed. */
function touchedRoots(base: Y.Doc, update: Uint8Array): Set<string> {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base));
  const rootOf = (type: Y.AbstractType<unknown>): string => {
    let t = type;
    while (t._item) t = t._item.parent as Y.AbstractType<unknown>;
    for (const [key, value] of copy.share) if (value === t) return key;
    return '?';
  };
  const touched = new Set<string>();
  copy.on('afterTransaction', (tr: Y.Transaction) => {
    for (const type of tr.changed.keys()) touched.add(rootOf(type as Y.AbstractType<unknown>));
    for (const [client, ranges] of tr.deleteSet.clients) {
      for (const { clock, len } of ranges) {
        for (const s of copy.store.clients.get(client) ?? []) {
          if (s instanceof Y.Item && s.id.clock < clock + len && s.id.clock + s.length > clock) {
            touched.add(rootOf(s.parent as Y.AbstractType<unknown>));
          }
        }
      }
    }
  });
  Y.applyUpdate(copy, update);
  return touched;
}

/** A server copy with some history, including server-owned state and overwrites of it. */
function serverDoc(): Y.Doc {
  const server = newJobDoc('job-1');
  addNote(server, { id: 'n0', author: 'alice', createdAt: 't', text: 'Unit is iced over' });
  addChecklistItem(server, { id: 'c0', label: 'Photo of data plate', required: true });
  writeServerState(server, { status: 'scheduled', version: 1, assignees: ['bob'], changedBy: null, changedAt: null });
  jobRoots(server).server.set('review', new Y.Map());
  writeServerState(server, { status: 'en_route', version: 2, assignees: ['bob'], changedBy: 'bob', changedAt: 't' });
  return server;
}

describe('classifyUpdate', () => {
  it('flags exactly the updates that touch the server map or an unknown root', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const server = serverDoc();
        const device = new Y.Doc();
        Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
        edits.forEach((e, n) => applyEdit(device, e, n));
        const update = Y.encodeStateAsUpdate(device, Y.encodeStateVector(server));
        const truth = touchedRoots(server, update);
        const forbidden = [...truth].some((root) => !isClientRoot(root));
        const verdict = classifyUpdate(update, server, office);
        // Root rules first; within the client roots a field rule may still refuse (ownership.test.ts).
        const byRoot = !verdict.ok && ['server_owned', 'unknown_root'].includes(verdict.code);
        expect(byRoot).toBe(forbidden);
        if (verdict.ok) for (const root of verdict.roots) expect(isClientRoot(root)).toBe(true);
        if (!verdict.ok && !forbidden) expect(e2codes(edits)).toContain(verdict.code);
      }),
      { numRuns: 1000 },
    );
  }, 30_000); // a thousand docs; the bound is for a loaded machine, not a speed check

  it('accepts a sync step 2 that repeats deletions the server made in its own map', () => {
    const server = serverDoc();
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
    noteText(device, 'n0')!.insert(0, 'Fixed: ');
    // A full-state reply carries the device's whole delete set, server overwrites included.
    const stepTwo = Y.encodeStateAsUpdate(device, Y.encodeStateVector(server));
    expect(classifyUpdate(stepTwo, server, office)).toEqual({ ok: true, roots: ['notes'] });
  });

  it('accepts a full-state update that repeats server items and deletions the server already holds', () => {
    const server = serverDoc();
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
    noteText(device, 'n0')!.insert(0, 'Fixed: ');
    // No state vector: every item the device has, deleted mirror values included.
    expect(classifyUpdate(Y.encodeStateAsUpdate(device), server, office)).toEqual({ ok: true, roots: ['notes'] });
  });

  it('refuses a status written straight into the server map', () => {
    const server = serverDoc();
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
    jobRoots(device).server.set('status', 'completed');
    const verdict = classifyUpdate(Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)), server, office);
    expect(verdict).toMatchObject({ ok: false, code: 'server_owned' });
  });

  it('refuses a deletion aimed at items the server has not received yet', () => {
    const server = serverDoc();
    // A forged device borrows the server's client id and deletes clocks far past what the
    // server has written, hoping the deletion waits and removes the server's future writes.
    const forger = new Y.Doc();
    forger.clientID = server.clientID;
    forger.getArray('notes').push(Array.from({ length: 500 }, (_, i) => i));
    forger.getArray('notes').delete(499, 1);
    const deleteOnly = Y.diffUpdate(Y.encodeStateAsUpdate(forger), Y.encodeStateVector(forger));
    expect(Y.decodeUpdate(deleteOnly).structs).toHaveLength(0);
    expect(classifyUpdate(deleteOnly, server, office)).toMatchObject({ ok: false, code: 'unresolved_update' });
  });

  it('resolves a note typed one character at a time (long origin chains) to the notes root', () => {
    const server = serverDoc();
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
    const text = noteText(device, 'n0')!;
    for (let i = 0; i < 20_000; i++) text.insert(text.length, 'x');
    const verdict = classifyUpdate(Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)), server, office);
    expect(verdict).toEqual({ ok: true, roots: ['notes'] });
  });

  it('answers bad_message for bytes that are not a Yjs update', () => {
    expect(classifyUpdate(new Uint8Array([255, 255, 255, 255, 255]), newJobDoc('j'), office)).toMatchObject({ ok: false, code: 'bad_message' });
  });
});

describe('forged structure', () => {
  /** An update of `client`'s items at clocks 0.., each given its origin by clock. */
  function itemsWithOrigins(client: number, origins: number[]): Uint8Array {
    const encoder = new Y.UpdateEncoderV1();
    const write = (n: number) => encoding.writeVarUint(encoder.restEncoder, n);
    write(1); // one client
    write(origins.length);
    encoder.writeClient(client);
    write(0); // first clock
    origins.forEach((origin, clock) => {
      new Y.Item(Y.createID(client, clock), null, Y.createID(client, origin), null, null, null, null, new Y.ContentString('a')).write(encoder, 0);
    });
    write(0); // no deletions
    return encoder.toUint8Array();
  }

  it('refuses items whose origins form a cycle, as unresolved (the walk ends)', () => {
    const doc = newJobDoc('job-1');
    const cycle = itemsWithOrigins(7, [1, 2, 0]); // 0 → 1 → 2 → 0
    const verdict = classifyUpdate(cycle, doc, office);
    expect(verdict).toMatchObject({ ok: false, code: 'unresolved_update' });
  });
});

describe('keystrokes judged without the walk (continuedItem)', () => {
  /** The update a device sends for one transaction (what its provider relays: the doc's 'update' event). */
  function sent(doc: Y.Doc, edit: () => void): Uint8Array | undefined {
    const updates: Uint8Array[] = [];
    const take = (u: Uint8Array) => void updates.push(u);
    doc.on('update', take);
    edit();
    doc.off('update', take);
    expect(updates.length).toBeLessThanOrEqual(1);
    return updates[0];
  }

  /** Who sends a step: a technician, another one, the office, or a technician's device writing as the server's own client or as the office's device (continuing their items). */
  type Sender = 'alice' | 'bob' | 'office' | 'forger' | 'mimic';
  const writers = {
    alice: { userId: 'alice', role: 'technician' },
    bob: { userId: 'bob', role: 'technician' },
    office,
    forger: { userId: 'bob', role: 'technician' },
    mimic: { userId: 'bob', role: 'technician' },
  } as const;
  /** One transaction on a sender's device, most of them a keystroke that continues its last item. */
  type Step = { by: Sender; kind: 'typeEnd' | 'typeStart' | 'typeOther' | 'note' | 'qty' | 'lineItem' | 'meta' | 'server' | 'author' | 'erase' | 'again' | 'push' };
  const step: fc.Arbitrary<Step> = fc.record({
    by: fc.constantFrom<Sender>('alice', 'bob', 'office', 'forger', 'mimic'),
    kind: fc.oneof(
      { weight: 8, arbitrary: fc.constant<Step['kind']>('typeEnd') },
      { weight: 2, arbitrary: fc.constantFrom<Step['kind']>('typeStart', 'typeOther', 'note', 'qty', 'lineItem', 'meta', 'server', 'author', 'erase', 'again', 'push', 'push') },
    ),
  });

  function act(doc: Y.Doc, by: Sender, kind: Step['kind'], n: number): void {
    const r = jobRoots(doc);
    const mine = `note-${by}`;
    const text = noteText(doc, mine);
    const typing = kind === 'typeEnd' || kind === 'typeStart' || kind === 'erase';
    if (typing && !text) return void addNote(doc, { id: mine, author: writers[by].userId, createdAt: 't', text: '' });
    switch (kind) {
      case 'typeEnd':
        return text!.insert(text!.length, String.fromCharCode(97 + (n % 26)));
      case 'typeStart':
        return text!.insert(0, 'x');
      case 'typeOther':
        return noteText(doc, 'n0')?.insert(noteText(doc, 'n0')!.length, 'y');
      case 'note':
        return void addNote(doc, { id: `note-${by}-${n}`, author: writers[by].userId, createdAt: 't', text: 'z' });
      case 'qty':
        return void setLineItemQty(doc, `item-${by}`, n);
      case 'lineItem':
        return addLineItem(doc, { id: `item-${by}-${n}`, pricebookId: 'pb', description: 'Part', qty: 1, unitPriceCents: 100 });
      case 'meta':
        return void r.meta.set('title', `t${n}`);
      case 'server':
        return void r.server.set('status', 'completed');
      case 'author':
        return void r.notes.get(0)?.set('author', `tech${n}`);
      case 'erase':
        return text!.length > 0 ? text!.delete(text!.length - 1, 1) : undefined;
      case 'push':
        // An entry at the end of the checklist: the office's to add (a mimic's continues the office's).
        return r.checklist.push([new Y.Map()]);
      case 'again': {
        // Writes its last item's map key again: a continuation wherever that item is (the forger's: the server map).
        const own = doc.store.clients.get(doc.clientID);
        const last = own?.[own.length - 1];
        if (last instanceof Y.Item && last.parent instanceof Y.Map && last.parentSub !== null) last.parent.set(last.parentSub, `again${n}`);
        return;
      }
    }
  }

  it('gives every update the verdict the walk gives, hostile senders and refusals included', () => {
    let keystrokes = 0;
    let forgedKeystrokes = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 40 }), (steps) => {
        const server = serverDoc();
        const forged = server.clientID;
        addLineItem(server, { id: 'item-alice', pricebookId: 'pb', description: 'Part', qty: 1, unitPriceCents: 100 });
        const devices = new Map<Sender, Y.Doc>();
        const deviceOf = (by: Sender): Y.Doc => {
          let doc = devices.get(by);
          if (!doc) {
            doc = new Y.Doc();
            devices.set(by, doc);
          }
          Y.applyUpdate(doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(doc)));
          // Yjs gives a doc a new client id when an update brings its own; the forger takes it back.
          if (by === 'forger') doc.clientID = forged;
          const officeDevice = devices.get('office');
          if (by === 'mimic' && officeDevice) doc.clientID = officeDevice.clientID;
          return doc;
        };
        steps.forEach(({ by, kind }, n) => {
          const doc = deviceOf(by);
          const update = sent(doc, () => act(doc, by, kind, n));
          if (!update) return; // the step changed nothing
          const decoded = decodeJobUpdate(update);
          const fast = classifyUpdate(decoded, server, writers[by]);
          expect(fast).toEqual(classifyByWalk(decoded, server, writers[by]));
          if (continuedItem(decoded, server)) {
            keystrokes++;
            if (by === 'forger' || by === 'mimic') forgedKeystrokes++;
          }
          // Accepted updates reach the server, as the relay applies them; refused ones never do.
          if (fast.ok) Y.applyUpdate(server, update);
          else devices.delete(by); // the refused device starts over from the server's copy
        });
      }),
      { numRuns: 300 },
    );
    // Not vacuous: keystrokes took the short path, forged ones among them (refused ones: below).
    expect(keystrokes).toBeGreaterThan(1000);
    expect(forgedKeystrokes).toBeGreaterThan(0);
  }, 60_000); // three hundred jobs of up to 40 steps; the bound is for a loaded machine, not a speed check

  it("refuses a technician's entry continuing the office's last one, as the walk does", () => {
    const server = serverDoc();
    const officeDevice = new Y.Doc();
    Y.applyUpdate(officeDevice, Y.encodeStateAsUpdate(server));
    const push = (doc: Y.Doc) => decodeJobUpdate(sent(doc, () => jobRoots(doc).checklist.push([new Y.Map()]))!);
    const first = push(officeDevice);
    expect(classifyUpdate(first, server, office)).toEqual({ ok: true, roots: ['checklist'] });
    Y.applyUpdate(server, Y.encodeStateAsUpdate(officeDevice, Y.encodeStateVector(server)));
    // A technician's device writing as the office's client: its entry continues the office's.
    const mimic = new Y.Doc();
    Y.applyUpdate(mimic, Y.encodeStateAsUpdate(server));
    mimic.clientID = officeDevice.clientID;
    const forged = push(mimic);
    expect(continuedItem(forged, server)).toBeDefined();
    const bob = { userId: 'bob', role: 'technician' } as const;
    const verdict = classifyUpdate(forged, server, bob);
    expect(verdict).toMatchObject({ ok: false, code: 'office_field' });
    expect(verdict).toEqual(classifyByWalk(forged, server, bob));
  });

  it("takes only a lone continuation of the client's last item the doc holds", () => {
    const server = serverDoc();
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
    const text = addNote(device, { id: 'mine', author: 'alice', createdAt: 't', text: 'a' });
    Y.applyUpdate(server, Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)));
    Y.applyUpdate(
      server,
      sent(device, () => text.insert(text.length, 'b'))!,
    );
    const next = (edit: () => void) => decodeJobUpdate(sent(device, edit)!);
    const keystroke = next(() => text.insert(text.length, 'b'));
    expect(continuedItem(keystroke, server)?.item.id.clock).toBe(keystroke.structs[0]!.id.clock);
    // Not yet applied: the next keystroke's origin is not the server's last item of the client.
    expect(
      continuedItem(
        next(() => text.insert(text.length, 'c')),
        server,
      ),
    ).toBeUndefined();
    expect(
      continuedItem(
        next(() => text.insert(0, 'd')),
        server,
      ),
    ).toBeUndefined();
    expect(
      continuedItem(
        next(() => text.delete(0, 1)),
        server,
      ),
    ).toBeUndefined();
  });
});
