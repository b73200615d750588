import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addNote, noteText } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore } from './sqlite-store';

/** A job doc typed into one keystroke per update, as devices send it. */
function typedNote(keys: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  addNote(doc, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00.000Z' });
  for (let i = 0; i < keys; i++) noteText(doc, 'n1')!.insert(i, 'x');
  return { doc, updates };
}

describe('SQLite compaction from a loaded doc', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-compact-'));
    dirs.push(dir);
    return dir;
  };

  it("stores the loaded doc's own encoding and state vector as the snapshot, smaller than merging the log", async () => {
    const store = new SqliteStore(join(await tempDir(), 'outpost.db'));
    const { doc, updates } = typedNote(300);
    await store.appendUpdates(updates.map((update) => ({ jobId: 'job-1', update })));
    const merged = Y.mergeUpdates(updates);
    const docState = { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) };
    await store.compactJobDoc('job-1', docState);
    const stored = await store.loadJobDoc('job-1');
    expect(stored.updates).toEqual([]);
    expect(Buffer.from(stored.snapshot!).equals(Buffer.from(docState.update))).toBe(true);
    expect(Buffer.from(stored.snapshotStateVector!).equals(Buffer.from(docState.stateVector))).toBe(true);
    expect(stored.snapshot!.byteLength).toBeLessThan(merged.byteLength);
    const reopened = new Y.Doc();
    Y.applyUpdate(reopened, stored.snapshot!);
    expect(noteText(reopened, 'n1')!.toString()).toBe('x'.repeat(300));
    await store.close();
  });

  it('opens a data directory made before snapshots kept a state vector', async () => {
    const file = join(await tempDir(), 'outpost.db');
    const old = new Database(file);
    old.exec('CREATE TABLE job_snapshots (job_id TEXT PRIMARY KEY, snapshot BLOB NOT NULL)');
    const { doc } = typedNote(5);
    old.prepare('INSERT INTO job_snapshots (job_id, snapshot) VALUES (?, ?)').run('job-1', Buffer.from(Y.encodeStateAsUpdate(doc)));
    old.close();
    const store = new SqliteStore(file);
    const stored = await store.loadJobDoc('job-1');
    expect(stored.snapshotStateVector).toBeUndefined();
    await store.compactJobDoc('job-1', { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) });
    expect((await store.loadJobDoc('job-1')).snapshotStateVector).toBeDefined();
    await store.close();
  });
});
