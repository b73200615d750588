import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addNote, noteText } from '@outpost/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { LeftoverLogs, type LogFolding } from './leftover-logs';
import { SqliteStore } from './sqlite/sqlite-store';
import { storedDoc } from './stored-doc';

/** A job typed into one keystroke per update, appended to `store` and never compacted (as a killed process leaves it). */
async function typeInto(store: SqliteStore, jobId: string, text: string): Promise<void> {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  addNote(doc, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00.000Z' });
  for (const [i, ch] of [...text].entries()) noteText(doc, 'n1')!.insert(i, ch);
  await store.appendUpdates(updates.map((update) => ({ jobId, update })));
}

async function noteOf(store: SqliteStore, jobId: string): Promise<string> {
  return noteText(storedDoc(await store.loadJobDoc(jobId)), 'n1')?.toString() ?? '';
}

describe('folding the job logs an unclean stop left', () => {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    vi.restoreAllMocks();
  });
  const crashedStore = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-leftovers-'));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'outpost.db'));
    stores.push(store);
    await typeInto(store, 'job-a', 'arrived on site');
    await typeInto(store, 'job-b', 'replaced the filter');
    await typeInto(store, 'job-c', 'customer signed');
    return store;
  };

  it('folds every leftover log within the budget, keeping each job as typed, with its state vector', async () => {
    const store = await crashedStore();
    const leftovers = await LeftoverLogs.find(store);
    expect(leftovers.pending).toBe(3);
    await leftovers.foldFor(60_000);
    expect(leftovers.pending).toBe(0);
    expect(leftovers.folded).toBe(3);
    expect(await store.listJobsWithLog()).toEqual([]);
    expect(await noteOf(store, 'job-b')).toBe('replaced the filter');
    expect((await store.loadJobDoc('job-b')).snapshotStateVector).toBeTruthy();
  });

  it('folds what the budget left in the background, between other work, skipping a job the relay has loaded', async () => {
    const store = await crashedStore();
    const events: string[] = [];
    const docs: LogFolding = {
      listJobsWithLog: () => store.listJobsWithLog(),
      compactJobDoc: async (jobId) => {
        events.push(jobId);
        await store.compactJobDoc(jobId);
      },
    };
    const leftovers = await LeftoverLogs.find(docs);
    await leftovers.foldFor(0);
    expect(leftovers.pending).toBe(3);
    leftovers.foldInBackground((jobId) => jobId === 'job-b');
    setImmediate(() => events.push('other work'));
    await vi.waitFor(() => expect(leftovers.pending).toBe(0));
    await leftovers.stop();
    expect(events).toEqual(['job-a', 'other work', 'job-c']);
    expect(await store.listJobsWithLog()).toEqual(['job-b']);
    expect(await noteOf(store, 'job-c')).toBe('customer signed');
  });

  it('logs a fold that fails and goes on with the next job, the failed log kept as stored', async () => {
    const store = await crashedStore();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const docs: LogFolding = {
      listJobsWithLog: () => store.listJobsWithLog(),
      compactJobDoc: async (jobId) => {
        if (jobId === 'job-a') throw new Error('disk full');
        await store.compactJobDoc(jobId);
      },
    };
    const leftovers = await LeftoverLogs.find(docs);
    await leftovers.foldFor(60_000);
    expect(leftovers.folded).toBe(2);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('job-a'), expect.any(Error));
    expect(await store.listJobsWithLog()).toEqual(['job-a']);
    expect(await noteOf(store, 'job-a')).toBe('arrived on site');
  });

  it('stops after the job in hand when the server closes', async () => {
    const store = await crashedStore();
    const leftovers = await LeftoverLogs.find(store);
    leftovers.foldInBackground(() => false);
    await leftovers.stop();
    await leftovers.foldFor(60_000); // stopped: nothing more
    expect(leftovers.folded).toBe(0);
    expect(await store.listJobsWithLog()).toEqual(['job-a', 'job-b', 'job-c']);
  });
});
