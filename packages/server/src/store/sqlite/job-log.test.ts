import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore } from './sqlite-store';
import { migrateSqlite, SQLITE_MIGRATIONS } from './migrations';
import { TRIM_ROWS } from './job-log-sql';
import { storedDoc } from '../stored-doc';

/** One doc per job; `write` returns the update a change made. */
function jobDocs() {
  const docs = new Map<string, Y.Doc>();
  const doc = (jobId: string) => docs.get(jobId) ?? docs.set(jobId, new Y.Doc()).get(jobId)!;
  return {
    write(jobId: string, text: string): { jobId: string; update: Uint8Array } {
      const d = doc(jobId);
      const before = Y.encodeStateVector(d);
      d.getText('notes').insert(d.getText('notes').length, text);
      return { jobId, update: Y.encodeStateAsUpdate(d, before) };
    },
    state(jobId: string) {
      return { update: Y.encodeStateAsUpdate(doc(jobId)), stateVector: Y.encodeStateVector(doc(jobId)) };
    },
  };
}

/** The job's text as stored: its snapshot plus its log. */
async function storedText(store: SqliteStore, jobId: string): Promise<string> {
  return storedDoc(await store.loadJobDoc(jobId))
    .getText('notes')
    .toString();
}

/** The ids and jobs of every row in `job_updates`, read on a connection of its own. */
function rows(file: string): { id: number; job_id: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT id, job_id FROM job_updates ORDER BY id').all() as { id: number; job_id: string }[];
  } finally {
    db.close();
  }
}

describe('SQLite job log without an index by job', () => {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const open = async (options: ConstructorParameters<typeof SqliteStore>[1] = {}) => {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-job-log-'));
    dirs.push(dir);
    const file = join(dir, 'outpost.db');
    const store = new SqliteStore(file, options);
    stores.push(store);
    return { store, file };
  };

  it("reads a job's log from its start only: rows it had before its last compaction stay dead, though still on disk", async () => {
    const { store, file } = await open();
    const docs = jobDocs();
    await store.appendUpdates([docs.write('job-a', 'a1'), docs.write('job-b', 'b1'), docs.write('job-a', 'a2')]);
    await store.compactJobDoc('job-a', docs.state('job-a'));
    // job-a's first row was before job-b's start, so it is gone; its second is behind job-b's start.
    expect(rows(file).map((r) => r.job_id)).toEqual(['job-b', 'job-a']);

    await store.appendUpdates([docs.write('job-a', 'a3')]);
    const stored = await store.loadJobDoc('job-a');
    expect(stored.updates).toHaveLength(1); // a3 only: a2 is in the snapshot
    expect(await store.countJobUpdates('job-a')).toBe(1);
    expect(await storedText(store, 'job-a')).toBe('a1a2a3');
    expect(await storedText(store, 'job-b')).toBe('b1');
    expect(await store.listJobsWithLog()).toEqual(['job-a', 'job-b']);

    await store.compactJobDoc('job-b', docs.state('job-b'));
    // job-a's start (a3) is now the oldest: everything before it is deleted.
    expect(rows(file).map((r) => r.job_id)).toEqual(['job-a']);
    expect(await store.listJobsWithLog()).toEqual(['job-a']);
    expect(await storedText(store, 'job-a')).toBe('a1a2a3');
  });

  it("starts a job's log at its first row in a batch that holds several of its updates, before and after a compaction", async () => {
    const { store } = await open();
    const docs = jobDocs();
    await store.appendUpdates(['a1', 'b1', 'a2', 'b2', 'a3'].map((t) => docs.write(`job-${t[0]}`, t)));
    expect(await store.countJobUpdates('job-a')).toBe(3);
    await store.compactJobDoc('job-a', docs.state('job-a'));
    await store.appendUpdates(['a4', 'b3', 'a5'].map((t) => docs.write(`job-${t[0]}`, t)));
    expect(await store.countJobUpdates('job-a')).toBe(2); // a4 and a5: the rest is in the snapshot
    expect(await store.countJobUpdates('job-b')).toBe(3);
    expect(await storedText(store, 'job-a')).toBe('a1a2a3a4a5');
    expect(await storedText(store, 'job-b')).toBe('b1b2b3');
  });

  it('deletes at most a slice of dead rows per compaction, the rest with the next', async () => {
    const { store, file } = await open();
    const docs = jobDocs();
    const many = Array.from({ length: TRIM_ROWS + 500 }, (_, i) => docs.write('job-a', String(i % 10)));
    await store.appendUpdates(many);
    await store.compactJobDoc('job-a', docs.state('job-a'));
    expect(rows(file)).toHaveLength(500);
    await store.appendUpdates([docs.write('job-b', 'b')]);
    await store.compactJobDoc('job-b', docs.state('job-b'));
    expect(rows(file)).toHaveLength(0);
    expect(await storedText(store, 'job-a')).toHaveLength(TRIM_ROWS + 500);
  });

  it('folds a log that keeps dead rows on disk for more than the span allowed, and then deletes them', async () => {
    const { store, file } = await open({ logSpanRows: 5 });
    const docs = jobDocs();
    // job-idle's one change, then job-busy typing and compacting: its dead rows pile up behind job-idle's.
    await store.appendUpdates([docs.write('job-idle', 'created')]);
    for (let i = 0; i < 3; i++) {
      await store.appendUpdates([docs.write('job-busy', 'x'), docs.write('job-busy', 'y')]);
      await store.compactJobDoc('job-busy', docs.state('job-busy'));
    }
    expect(rows(file)).toHaveLength(7);
    expect(await store.pinnedLogWatch.check()).toBe('job-idle');
    expect(await store.listJobsWithLog()).toEqual([]);
    expect(rows(file)).toHaveLength(0);
    expect(await storedText(store, 'job-idle')).toBe('created');
    expect(await store.pinnedLogWatch.check()).toBeNull();
  });

  it('leaves a log alone while it spans fewer rows than allowed', async () => {
    const { store } = await open({ logSpanRows: 100 });
    const docs = jobDocs();
    await store.appendUpdates([docs.write('job-idle', 'created'), docs.write('job-busy', 'x')]);
    expect(await store.pinnedLogWatch.check()).toBeNull();
    expect(await store.listJobsWithLog()).toEqual(['job-busy', 'job-idle']);
  });

  it('folds the logs found at start-up from the rows noted then, with those appended since, and none compacted since', async () => {
    const { store } = await open();
    const docs = jobDocs();
    await store.appendUpdates([docs.write('job-a', 'a1'), docs.write('job-b', 'b1'), docs.write('job-c', 'c1'), docs.write('job-a', 'a2')]);
    expect(await store.listJobsWithLog()).toEqual(['job-a', 'job-b', 'job-c']);
    // After the start-up pass: job-a gets a row more; job-b is compacted (as the relay would) and written again.
    await store.appendUpdates([docs.write('job-a', 'a3')]);
    await store.compactJobDoc('job-b', docs.state('job-b'));
    await store.appendUpdates([docs.write('job-b', 'b2')]);
    for (const jobId of ['job-a', 'job-b', 'job-c']) await store.compactJobDoc(jobId);
    expect(await store.listJobsWithLog()).toEqual([]);
    expect(await storedText(store, 'job-a')).toBe('a1a2a3');
    expect(await storedText(store, 'job-b')).toBe('b1b2');
    expect(await storedText(store, 'job-c')).toBe('c1');
  });

  it('upgrades a file whose logs were found by index: every stored row stays in its job', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-job-log-'));
    dirs.push(dir);
    const file = join(dir, 'outpost.db');
    const docs = jobDocs();
    const old = new Database(file);
    migrateSqlite(
      old,
      SQLITE_MIGRATIONS.filter((m) => m.id < 8),
    );
    const insert = old.prepare('INSERT INTO job_updates (job_id, update_bytes) VALUES (?, ?)');
    for (const u of [docs.write('job-a', 'a1'), docs.write('job-b', 'b1'), docs.write('job-a', 'a2')]) insert.run(u.jobId, Buffer.from(u.update));
    old.close();

    const store = new SqliteStore(file);
    stores.push(store);
    expect(await storedText(store, 'job-a')).toBe('a1a2');
    expect(await storedText(store, 'job-b')).toBe('b1');
    expect(await store.listJobsWithLog()).toEqual(['job-a', 'job-b']);
    const db = new Database(file, { readonly: true });
    const indexes = (db.pragma('index_list(job_updates)') as { name: string }[]).map((i) => i.name);
    db.close();
    expect(indexes).toEqual([]);
  });
});
