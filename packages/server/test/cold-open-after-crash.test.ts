import { addNote, noteText } from '@outpost/shared';
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from './support/child';
import { RelayClient } from './support/relay-client';
import { login, until } from './support/server';

describe('opening a job after the server was killed with a long uncompacted log', () => {
  let dataDir: string;
  const processes: ServerProcess[] = [];
  const clients: RelayClient[] = [];
  const dbs: Database.Database[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const db of dbs.splice(0)) db.close();
    for (const p of processes.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers the first sync with every acked keystroke, then folds the log into a snapshot in the background', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outpost-cold-crash-'));
    const first = await spawnServer(dataDir);
    processes.push(first);
    const db = new Database(join(dataDir, 'outpost.db'));
    dbs.push(db);
    const rows = () => (db.prepare('SELECT COUNT(*) AS n FROM job_updates WHERE job_id = ?').get('job-1001') as { n: number }).n;
    const writer = await RelayClient.connect(first.wsBase, 'job-1001', await login(first, 'alice'));
    clients.push(writer);
    // The seeded job's own log is folded away after its first load; the typing comes after.
    await until(() => rows() === 0, 5_000, 'the seeded log compacted after the first load');
    writer.edit((d) => addNote(d, { id: 'n-crash', author: 'alice', createdAt: '2030-01-01T00:00:00Z' }));
    // One update per keystroke, fewer than the relay's live compaction threshold (500),
    // so the whole typing is still a log of rows when the process dies.
    const keys = 300;
    for (let i = 0; i < keys; i++) writer.edit((d) => noteText(d, 'n-crash')!.insert(i, String.fromCharCode(97 + (i % 26))));
    const typed = noteText(writer.doc, 'n-crash')!.toString();
    // Message 1 was sync step 2, then the note, then the keystrokes.
    await until(() => writer.ackedUpTo >= keys + 2, 15_000, 'every keystroke durably acked');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    expect(rows()).toBeGreaterThanOrEqual(keys);

    const second = await spawnServer(dataDir);
    processes.push(second);
    const reader = await RelayClient.connect(second.wsBase, 'job-1001', await login(second, 'alice'));
    clients.push(reader);
    expect(noteText(reader.doc, 'n-crash')?.toString()).toBe(typed);

    // Nobody types any more: the log is compacted anyway, so the next cold open reads one snapshot.
    await until(() => rows() === 0, 5_000, 'the log compacted after the load');
    const snapshot = db.prepare('SELECT state_vector FROM job_snapshots WHERE job_id = ?').get('job-1001') as { state_vector: Buffer | null };
    expect(snapshot.state_vector).not.toBeNull();
  });
});
