import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../../../test-support/until';
import { WalCheckpointer } from './wal-checkpointer';

describe('WAL checkpoints on their own connection', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('checkpoints the WAL a writer that never checkpoints grew, so the WAL starts over instead of growing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-wal-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'outpost.db');
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE log (bytes BLOB)');
    cleanups.push(async () => void writer.close());
    const insert = writer.prepare('INSERT INTO log (bytes) VALUES (?)');
    const write = (kb: number) => insert.run(Buffer.alloc(kb * 1024, 7));
    const walBytes = () => statSync(`${file}-wal`).size;

    for (let i = 0; i < 20; i++) write(100);
    const grown = walBytes();
    write(100);
    expect(walBytes()).toBeGreaterThan(grown); // no checkpoint: every commit appends to the WAL

    const checkpointer = new WalCheckpointer({ file, synchronous: 'FULL', everyMs: 0 });
    cleanups.push(() => checkpointer.close());
    checkpointer.soon();
    await until('a checkpoint', () => checkpointer.finishedCount === 1);
    const before = walBytes();
    for (let i = 0; i < 5; i++) write(100);
    // Everything was copied into the database file: the WAL was reused from its start.
    expect(walBytes()).toBe(before);
    expect((writer.prepare('SELECT COUNT(*) AS n FROM log').get() as { n: number }).n).toBe(26);
  });
});
