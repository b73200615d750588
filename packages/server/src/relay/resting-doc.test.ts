import { addNote, noteText, readJob } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { foldStoredLog } from '../store/job-doc-merge';
import { RestingDoc } from './resting-doc';

/**
 * A job two technicians typed into (with some typing deleted again), one update per
 * keystroke, stored as a snapshot of the first `compacted` updates and the log behind it:
 * what a server killed before its next compaction leaves.
 */
function crashedJob(keys: number, compacted: number) {
  const alice = new Y.Doc();
  const bob = new Y.Doc();
  const updates: Uint8Array[] = [];
  alice.on('update', (u: Uint8Array) => {
    updates.push(u);
    Y.applyUpdate(bob, u, 'relay');
  });
  bob.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin === 'relay') return;
    updates.push(u);
    Y.applyUpdate(alice, u, 'relay');
  });
  addNote(alice, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00.000Z' });
  for (let i = 0; i < keys; i++) {
    const doc = i % 7 === 3 ? bob : alice;
    const text = noteText(doc, 'n1')!;
    if (i % 50 === 49) text.delete(text.length - 3, 3);
    else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  }
  const server = new Y.Doc();
  for (const u of updates.slice(0, compacted)) Y.applyUpdate(server, u);
  const stored = { snapshot: Y.encodeStateAsUpdate(server), updates: updates.slice(compacted), snapshotStateVector: Y.encodeStateVector(server) };
  return { truth: alice, updates, stored };
}

const vectorOf = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));

describe('a job resting after a crash (snapshot and log behind it)', () => {
  it('answers a device with part of the history exactly what it lacks, without building the doc', () => {
    const { truth, updates, stored } = crashedJob(1_000, 600);
    const resting = new RestingDoc('job-1', foldStoredLog(stored), () => undefined);
    // A device that saw the first 300 updates, and one that saw some of the log too.
    for (const seen of [300, 800]) {
      const device = new Y.Doc();
      for (const u of updates.slice(0, seen)) Y.applyUpdate(device, u);
      const had = vectorOf(device);
      const parts = resting.missingFor(Y.encodeStateVector(device));
      expect(resting.isBuilt).toBe(false);
      for (const part of parts) {
        // Nothing the device already holds is sent again.
        for (const [client, clock] of Y.parseUpdateMeta(part).from) expect(clock).toBeGreaterThanOrEqual(had.get(client) ?? 0);
        Y.applyUpdate(device, part);
      }
      expect(readJob(device)).toEqual(readJob(truth));
      expect(noteText(device, 'n1')!.toString()).toBe(noteText(truth, 'n1')!.toString());
      expect(vectorOf(device)).toEqual(vectorOf(truth));
    }
    resting.destroy();
  });

  it('greets with the whole doc’s state vector and sends a first-time device the stored bytes as they are', () => {
    const { truth, stored } = crashedJob(700, 500);
    const folded = foldStoredLog(stored);
    const resting = new RestingDoc('job-1', folded, () => undefined);
    expect(Y.decodeStateVector(resting.stateVector())).toEqual(vectorOf(truth));
    const parts = resting.missingFor(new Uint8Array([0]));
    expect(parts).toEqual([folded.snapshot, folded.updates[0]]);
    expect(resting.isBuilt).toBe(false);
    const device = new Y.Doc();
    for (const part of parts) Y.applyUpdate(device, part);
    expect(noteText(device, 'n1')!.toString()).toBe(noteText(truth, 'n1')!.toString());
    resting.destroy();
  });

  it('builds the same doc from the two parts, and answers in one update once built', () => {
    const { truth, stored } = crashedJob(700, 500);
    const resting = new RestingDoc('job-1', foldStoredLog(stored), () => undefined);
    expect(noteText(resting.doc, 'n1')!.toString()).toBe(noteText(truth, 'n1')!.toString());
    expect(vectorOf(resting.doc)).toEqual(vectorOf(truth));
    expect(resting.missingFor(new Uint8Array([0]))).toHaveLength(1);
    expect(resting.state().stateVector).toEqual(Y.encodeStateVector(truth));
    resting.destroy();
  });
});

describe('hibernation of a job edited now and then', () => {
  const IDLE = 10_000;
  beforeEach(() => void vi.useFakeTimers({ toFake: ['performance'] }));
  afterEach(() => void vi.useRealTimers());
  const editedJob = () => new RestingDoc('job-1', foldStoredLog(crashedJob(20, 20).stored), () => undefined);
  const wake = (resting: RestingDoc) => void resting.doc; // a socket's edit or read builds the doc
  /** Lets `ms` pass, then asks the doc to hibernate as the sweep does. */
  const idleFor = (resting: RestingDoc, ms: number) => {
    vi.advanceTimersByTime(ms);
    return resting.hibernateIfIdle(IDLE, performance.now());
  };

  it('keeps a doc woken soon after hibernating built 8× as long, and back to the base once it rested long', () => {
    const resting = editedJob();
    wake(resting);
    expect(idleFor(resting, IDLE)).toBe(true);
    // Woken 5 s later (an edit every 15 s): next time it stays built for 8 × IDLE, at once.
    vi.advanceTimersByTime(5_000);
    wake(resting);
    expect(idleFor(resting, 8 * IDLE - 1)).toBe(false);
    expect(idleFor(resting, 1)).toBe(true);
    // Woken soon again: 8 × IDLE again, not more.
    vi.advanceTimersByTime(5_000);
    wake(resting);
    expect(idleFor(resting, 8 * IDLE - 1)).toBe(false);
    expect(idleFor(resting, 1)).toBe(true);
    // Asleep three times as long as it was last kept awake: this wake is a new visit, and it rests after IDLE again.
    vi.advanceTimersByTime(3 * 8 * IDLE + 1);
    wake(resting);
    expect(idleFor(resting, IDLE)).toBe(true);
    resting.destroy();
  });

  it('stays built for a job edited every 30 s, instead of being rebuilt and folded for every edit', () => {
    const resting = editedJob();
    let folds = 0;
    for (let edit = 0; edit < 10; edit++) {
      wake(resting);
      // The relay's sweep looks once a second until the next edit.
      for (let s = 0; s < 30; s++) if (idleFor(resting, 1_000)) folds++;
    }
    // At the base idle time alone every edit would be followed by a fold (10); doubling the
    // factor per early wake folded it twice (at 1× and 2×) before it stayed built.
    expect(folds).toBe(1);
    expect(resting.isBuilt).toBe(true);
    resting.destroy();
  });
});
