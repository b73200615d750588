import { addNote, noteText } from '@outpost/shared';
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hasPostgres, testDatabaseUrl } from '../../../test-support/requirements';
import { openPostgresPool } from '../src/store/postgres/pool';
import { createTestSchema } from '../src/store/postgres/test-schema';
import { JOB_LOG_SQL } from '../src/store/sqlite/job-log-sql';
import { spawnServer, type ServerProcess } from './support/child';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, until } from './support/server';

/** One store a server can run on: its environment and how to count a job's uncompacted rows. */
interface StoreUnderTest {
  env: Record<string, string | undefined>;
  rows(jobId: string): Promise<number>;
  /** The stored snapshot's state vector, or null when none is kept. */
  snapshotVector(jobId: string): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

const secret = { OUTPOST_SECRET: 'child-secret' };

async function sqlite(dataDir: string): Promise<StoreUnderTest> {
  let db: Database.Database | null = null;
  // Opened once the server created the file.
  const open = () => (db ??= new Database(join(dataDir, 'outpost.db')));
  return {
    env: secret,
    // Live rows only: a folded job's rows may stay on disk, dead, until the log's head is trimmed.
    rows: async (jobId) => (open().prepare(JOB_LOG_SQL.countLive).get({ job: jobId }) as { n: number }).n,
    snapshotVector: async (jobId) => {
      const row = open().prepare('SELECT state_vector FROM job_snapshots WHERE job_id = ?').get(jobId) as { state_vector: Buffer | null } | undefined;
      return row?.state_vector ? new Uint8Array(row.state_vector) : null;
    },
    close: async () => {
      db?.close();
    },
  };
}

async function postgres(): Promise<StoreUnderTest> {
  const schema = await createTestSchema(testDatabaseUrl);
  const pool = openPostgresPool(schema.url, { max: 1, applicationName: 'outpost-test-cold-open' });
  return {
    env: { ...secret, OUTPOST_DATABASE_URL: schema.url },
    rows: async (jobId) => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM job_updates WHERE job_id = $1', [jobId])).rows[0]!.n),
    snapshotVector: async (jobId) => {
      const { rows } = await pool.query<{ state_vector: Buffer | null }>('SELECT state_vector FROM job_snapshots WHERE job_id = $1', [jobId]);
      return rows[0]?.state_vector ? new Uint8Array(rows[0].state_vector) : null;
    },
    close: async () => {
      await pool.end();
      await schema.drop();
    },
  };
}

const stores: { name: string; available: boolean; make(dataDir: string): Promise<StoreUnderTest> }[] = [
  { name: 'SQLite', available: true, make: sqlite },
  { name: 'Postgres', available: await hasPostgres(), make: () => postgres() },
];

describe.each(stores)('opening a job after the server on $name was killed with a long uncompacted log', ({ available, make }) => {
  let dataDir: string;
  let store: StoreUnderTest | null = null;
  const processes: ServerProcess[] = [];
  const clients: RelayClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const p of processes.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    await store?.close();
    store = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it.skipIf(!available)('folds the log at start-up before any device asks, answers every acked keystroke, and a device with part of them gets the rest', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outpost-cold-crash-'));
    const s = (store = await make(dataDir));
    const first = await spawnServer(dataDir, s.env);
    processes.push(first);
    const writer = await connectRelay(first.wsBase, 'job-1001', await login(first, 'alice'));
    clients.push(writer);
    // The seeded job's own log is folded away after its first load; the typing comes after.
    await until(async () => (await s.rows('job-1001')) === 0, 5_000, 'the seeded log compacted after the first load');
    writer.edit((d) => addNote(d, { id: 'n-crash', author: 'alice', createdAt: '2030-01-01T00:00:00Z' }));
    // One update per keystroke, fewer than the relay's live compaction threshold (500),
    // so the whole typing is still a log of rows when the process dies.
    const keys = 300;
    let halfway: Uint8Array = new Uint8Array();
    for (let i = 0; i < keys; i++) {
      writer.edit((d) => noteText(d, 'n-crash')!.insert(i, String.fromCharCode(97 + (i % 26))));
      if (i === keys / 2 - 1) halfway = Y.encodeStateAsUpdate(writer.doc);
    }
    const typed = noteText(writer.doc, 'n-crash')!.toString();
    // Message 1 was sync step 2, then the note, then the keystrokes.
    await until(() => writer.ackedUpTo >= keys + 2, 15_000, 'every keystroke durably acked');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    expect(await s.rows('job-1001')).toBeGreaterThanOrEqual(keys);

    const second = await spawnServer(dataDir, s.env);
    processes.push(second);
    // Folded while the server started: no device has opened the job yet, and the next cold
    // open reads one snapshot with its state vector.
    expect(await s.rows('job-1001')).toBe(0);
    const folded = await s.snapshotVector('job-1001');
    expect(folded).not.toBeNull();
    expect(Y.decodeStateVector(folded!)).toEqual(Y.decodeStateVector(Y.encodeStateVector(writer.doc)));
    const token = await login(second, 'alice');
    const reader = await connectRelay(second.wsBase, 'job-1001', token);
    clients.push(reader);
    expect(noteText(reader.doc, 'n-crash')?.toString()).toBe(typed);

    // A device that saw only half the typing before the crash gets the rest.
    const behind = await connectRelay(second.wsBase, 'job-1001', token, { waitSynced: false });
    clients.push(behind);
    Y.applyUpdate(behind.doc, halfway);
    expect(noteText(behind.doc, 'n-crash')!.length).toBe(keys / 2);
    behind.sendStep1();
    await until(() => behind.synced, 5_000, 'the device behind synced');
    expect(noteText(behind.doc, 'n-crash')!.toString()).toBe(typed);
  });
});
