import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { classifyUpdate } from './classify';
import { addChecklistItem, addNote, noteText, setChecklistDone } from './content';
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
