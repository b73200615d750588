import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addChecklistItem, addNote, noteText, setChecklistDone } from './content';
import { jobRoots, newJobDoc, readJob } from './doc';

/** One device's edit, applied to its own copy of the job. */
type Edit =
  | { kind: 'addNote'; text: string }
  | { kind: 'type'; note: number; at: number; text: string }
  | { kind: 'erase'; note: number; at: number; len: number }
  | { kind: 'addItem'; label: string; required: boolean }
  | { kind: 'tick'; item: number; done: boolean };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('addNote' as const), text: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('type' as const), note: fc.nat(5), at: fc.nat(20), text: fc.string({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('erase' as const), note: fc.nat(5), at: fc.nat(20), len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('addItem' as const), label: fc.string({ maxLength: 6 }), required: fc.boolean() }),
  fc.record({ kind: fc.constant('tick' as const), item: fc.nat(5), done: fc.boolean() }),
);

function apply(doc: Y.Doc, e: Edit, who: string, n: number): void {
  const r = jobRoots(doc);
  switch (e.kind) {
    case 'addNote':
      addNote(doc, { id: `${who}-n${n}`, author: who, createdAt: '2026-01-01T00:00:00Z', text: e.text });
      return;
    case 'type':
    case 'erase': {
      const notes = r.notes.toArray();
      const note = notes[e.note % Math.max(notes.length, 1)];
      const text = note && noteText(doc, String(note.get('id')));
      if (!text) return;
      const at = Math.min(e.at, text.length);
      if (e.kind === 'type') text.insert(at, e.text);
      else text.delete(at, Math.min(e.len, text.length - at));
      return;
    }
    case 'addItem':
      addChecklistItem(doc, { id: `${who}-c${n}`, label: e.label, required: e.required });
      return;
    case 'tick': {
      const items = r.checklist.toArray();
      const item = items[e.item % Math.max(items.length, 1)];
      if (item) setChecklistDone(doc, String(item.get('id')), e.done, who, '2026-01-01T00:00:00Z');
    }
  }
}

function exchange(a: Y.Doc, b: Y.Doc): void {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, toB);
  Y.applyUpdate(a, toA);
}

describe('job document convergence', () => {
  it('any interleaving of concurrent note and checklist edits from 2–5 devices converges to identical content', () => {
    const scenario = fc.integer({ min: 2, max: 5 }).chain((devices) =>
      fc.record({
        devices: fc.constant(devices),
        steps: fc.array(
          fc.oneof(
            { weight: 4, arbitrary: fc.record({ device: fc.nat(devices - 1), edit }) },
            { weight: 1, arbitrary: fc.tuple(fc.nat(devices - 1), fc.nat(devices - 1)).map((pair) => ({ sync: pair })) },
          ),
          { maxLength: 40 },
        ),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ devices, steps }) => {
        const docs = Array.from({ length: devices }, () => newJobDoc('job-1'));
        steps.forEach((step, n) => {
          if ('sync' in step) exchange(docs[step.sync[0]]!, docs[step.sync[1]]!);
          else apply(docs[step.device]!, step.edit, `tech${step.device}`, n);
        });
        // Everyone reconnects through one hub, in an arbitrary order, twice over.
        for (let round = 0; round < 2; round++) for (const doc of docs.slice(1)) exchange(docs[0]!, doc);
        const expected = readJob(docs[0]!);
        for (const doc of docs) expect(readJob(doc)).toEqual(expected);
        const typed = steps.filter((s) => 'edit' in s && s.edit.kind === 'addNote').length;
        expect(expected.notes).toHaveLength(typed);
      }),
      { numRuns: 1000 },
    );
    // 1,000 generated runs take ~2 s alone; a 2-core machine under load needs more than the default 5 s.
  }, 30_000);

  it('keeps both devices\u2019 words when they type into the same note at the same position', () => {
    const a = newJobDoc('job-1');
    const b = newJobDoc('job-1');
    addNote(a, { id: 'n1', author: 'alice', createdAt: '2026-01-01T00:00:00Z', text: 'Compressor ' });
    exchange(a, b);
    noteText(a, 'n1')!.insert(11, 'hums');
    noteText(b, 'n1')!.insert(11, 'rattles');
    exchange(a, b);
    const text = readJob(a).notes[0]!.text;
    expect(text).toContain('hums');
    expect(text).toContain('rattles');
    expect(readJob(b).notes[0]!.text).toBe(text);
  });
});
