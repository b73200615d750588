import { addNote, noteText } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hasPostgres, testDatabaseUrl } from '../../../../../test-support/requirements';
import type { JobDocState } from '../store';
import { PostgresStore } from './postgres-store';
import { createTestSchema, type TestSchema } from './test-schema';

/** A doc whose every keystroke is one update, as a device sends them. */
function typedDoc(text: string): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  addNote(doc, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00.000Z' });
  for (const [i, ch] of [...text].entries()) noteText(doc, 'n1')!.insert(i, ch);
  return { doc, updates };
}

const stateOf = (doc: Y.Doc): JobDocState => ({ update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) });

async function noteOf(store: PostgresStore, jobId: string): Promise<string> {
  const stored = await store.loadJobDoc(jobId);
  const doc = new Y.Doc();
  for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
  return noteText(doc, 'n1')?.toString() ?? '';
}

// Skipped (with a message from hasPostgres) when Postgres is not running outside CI.
describe.skipIf(!(await hasPostgres()))('Postgres compaction with a loaded doc', () => {
  let schema: TestSchema;
  let store: PostgresStore;
  afterEach(async () => {
    await store.close();
    await schema.drop();
  });
  const open = async () => {
    schema = await createTestSchema(testDatabaseUrl);
    store = await PostgresStore.open(schema.url);
  };
  const text = 'replaced the filter, checked the pressure, customer signed';

  it("stores the doc's own encoding when it holds the whole log (smaller than the merge, vector kept)", async () => {
    await open();
    const { doc, updates } = typedDoc(text);
    await store.appendUpdates(updates.map((update) => ({ jobId: 'job-1', update })));
    const state = stateOf(doc);
    await store.compactJobDoc('job-1', state);
    const stored = await store.loadJobDoc('job-1');
    expect(stored.updates).toEqual([]);
    expect(stored.snapshot).toEqual(state.update);
    expect(stored.snapshotStateVector).toEqual(state.stateVector);
    expect(await noteOf(store, 'job-1')).toBe(text);
  });

  it('merges the log instead when the doc lacks an update or a deletion another node stored', async () => {
    await open();
    const { doc, updates } = typedDoc(text);
    await store.appendUpdates(updates.map((update) => ({ jobId: 'job-1', update })));
    const state = stateOf(doc);
    // Another node: a keystroke (a struct the doc lacks), then a compaction with its doc.
    const other = new Y.Doc();
    Y.applyUpdate(other, state.update);
    const otherUpdates: Uint8Array[] = [];
    other.on('update', (u: Uint8Array) => otherUpdates.push(u));
    noteText(other, 'n1')!.insert(text.length, '!');
    await store.appendUpdates(otherUpdates.map((update) => ({ jobId: 'job-1', update })));
    await store.compactJobDoc('job-1', state);
    expect((await store.loadJobDoc('job-1')).snapshot).not.toEqual(state.update);
    expect(await noteOf(store, 'job-1')).toBe(`${text}!`);

    // A deletion only (no struct, the state vector unchanged) the doc lacks.
    const deleting = new Y.Doc();
    Y.applyUpdate(deleting, Y.encodeStateAsUpdate(other));
    const deletions: Uint8Array[] = [];
    deleting.on('update', (u: Uint8Array) => deletions.push(u));
    noteText(deleting, 'n1')!.delete(0, 9);
    await store.appendUpdates(deletions.map((update) => ({ jobId: 'job-1', update })));
    await store.compactJobDoc('job-1', stateOf(other));
    expect(await noteOf(store, 'job-1')).toBe(`${text.slice(9)}!`);
  });
});
