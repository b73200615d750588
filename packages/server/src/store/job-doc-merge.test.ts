import { addNote, noteText, readJob } from '@outpost/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeJobLog, mergeStoredJobDoc, vectorAfterLog } from './job-doc-merge';

/** A note typed one keystroke per update, with some typing deleted again, as devices send it. */
function typedJob(keys: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  addNote(doc, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00.000Z' });
  for (let i = 0; i < keys; i++) {
    const text = noteText(doc, 'n1')!;
    if (i % 50 === 49) text.delete(text.length - 3, 3);
    else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  }
  return { doc, updates };
}

describe('merging a stored job log', () => {
  it('gives the same job as applying a snapshot and every later update in order', () => {
    const { doc, updates } = typedJob(1_000);
    const snapshotDoc = new Y.Doc();
    for (const u of updates.slice(0, 600)) Y.applyUpdate(snapshotDoc, u);
    const stored = { snapshot: Y.encodeStateAsUpdate(snapshotDoc), updates: updates.slice(600) };

    const merged = mergeStoredJobDoc(stored);
    expect(merged.updates).toEqual([]);
    const opened = new Y.Doc();
    Y.applyUpdate(opened, merged.snapshot!);
    expect(readJob(opened)).toEqual(readJob(doc));
    expect(Y.decodeStateVector(merged.snapshotStateVector!)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
    // Deleted typing stays deleted in the merged bytes, also for a device that has part of it.
    const device = new Y.Doc();
    for (const u of updates.slice(0, 300)) Y.applyUpdate(device, u);
    Y.applyUpdate(device, Y.diffUpdate(merged.snapshot!, Y.encodeStateVector(device)));
    expect(noteText(device, 'n1')!.toString()).toBe(noteText(doc, 'n1')!.toString());
  });

  it('merges a log with no snapshot, and leaves an empty job empty', () => {
    const { doc, updates } = typedJob(130);
    const opened = new Y.Doc();
    Y.applyUpdate(opened, mergeJobLog(null, updates));
    expect(noteText(opened, 'n1')!.toString()).toBe(noteText(doc, 'n1')!.toString());
    expect(mergeStoredJobDoc({ snapshot: null, updates: [] })).toEqual({ snapshot: null, updates: [] });
  });

  it("derives a lone snapshot's state vector when the store kept none", () => {
    const { doc } = typedJob(10);
    const merged = mergeStoredJobDoc({ snapshot: Y.encodeStateAsUpdate(doc), updates: [] });
    expect(Y.decodeStateVector(merged.snapshotStateVector!)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
  });

  it('advances a kept snapshot vector by the log without reading the snapshot again, and never past a gap', () => {
    const { doc, updates } = typedJob(400);
    const snapshotDoc = new Y.Doc();
    for (const u of updates.slice(0, 300)) Y.applyUpdate(snapshotDoc, u);
    const stored = { snapshot: Y.encodeStateAsUpdate(snapshotDoc), snapshotStateVector: Y.encodeStateVector(snapshotDoc), updates: updates.slice(300) };
    const merged = mergeStoredJobDoc(stored);
    expect(Y.decodeStateVector(merged.snapshotStateVector!)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
    // Updates 300..309 lost: the later log does not continue the snapshot's run.
    const withGap = vectorAfterLog(stored.snapshotStateVector, mergeJobLog(null, updates.slice(310)));
    expect(Y.decodeStateVector(withGap)).toEqual(Y.decodeStateVector(stored.snapshotStateVector));
  });
});
