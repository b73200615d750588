import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store';
import { SQLITE_SCHEMA_VERSION } from './migrations';
import { SQLITE_SCHEMA } from './schema';

/** An op log entry as the store keeps it (only the fields the migration reads matter). */
const entry = (opId: string, actor: string, deviceId: string, deviceSeq: number) =>
  JSON.stringify({ seq: deviceSeq, opId, jobId: 'job-1', deviceId, deviceSeq, actor, kind: 'transition', to: 'en_route' });

describe('SQLite schema versions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outpost-migrate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('upgrades a data directory from before versions, keeping its data and every device where it was', async () => {
    const file = join(dir, 'outpost.db');
    // The file as an older server left it: user_version 0, tables present, no state_vector column.
    const old = new Database(file);
    old.exec(SQLITE_SCHEMA.replace('snapshot BLOB NOT NULL,\n  state_vector BLOB', 'snapshot BLOB NOT NULL'));
    old.prepare("INSERT INTO users VALUES ('alice', 'alice', 'Alice', 'technician', 'scrypt$a$b')").run();
    old.prepare("INSERT INTO job_snapshots (job_id, snapshot) VALUES ('job-1', x'00')").run();
    old.prepare('INSERT INTO ops (op_id, job_id, seq, entry) VALUES (?, ?, ?, ?)').run('op-1', 'job-1', 1, entry('op-1', 'alice', 'tablet', 1));
    old.prepare('INSERT INTO ops (op_id, job_id, seq, entry) VALUES (?, ?, ?, ?)').run('op-2', 'job-1', 2, entry('op-2', 'bob', 'tablet', 2));
    old.prepare("INSERT INTO device_seqs VALUES ('tablet', 3)").run();
    old.prepare("INSERT INTO device_seqs VALUES ('orphan', 7)").run();
    const rtu = { id: 'e1', customerId: 'cust-1', jobIds: ['job-1', 'job-2'], kind: 'rtu', make: 'Carrier', model: 'X', serial: 'S', refrigerant: 'R-410A' };
    old.prepare('INSERT INTO equipment (id, customer_id, body) VALUES (?, ?, ?)').run('e1', 'cust-1', JSON.stringify(rtu));
    expect(old.pragma('user_version', { simple: true })).toBe(0);
    old.close();

    const store = new SqliteStore(file);
    // Equipment stored before it was indexed by job is found by job (schema step 10).
    expect(await store.listEquipment({ jobId: 'job-2' })).toEqual([rtu]);
    expect((await store.listEquipment({ jobIds: ['job-1', 'job-9'] })).map((e) => e.id)).toEqual(['e1']);
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      expect(db.prepare('SELECT user_id, device_id, last_seq FROM device_seqs ORDER BY user_id').all()).toEqual([
        { user_id: 'alice', device_id: 'tablet', last_seq: 3 },
        { user_id: 'bob', device_id: 'tablet', last_seq: 3 },
      ]);
      expect(db.prepare('SELECT id FROM users').all()).toEqual([{ id: 'alice' }]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM ops').get()).toEqual({ n: 2 });
      expect((db.pragma('table_info(job_snapshots)') as { name: string }[]).map((c) => c.name)).toContain('state_vector');
    } finally {
      db.close();
    }
  });

  it('opens an up-to-date file without changing it, and refuses one from a newer server', async () => {
    const file = join(dir, 'outpost.db');
    await new SqliteStore(file).close();
    // Made by the store itself, not only by startServer: private to the server's user.
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    await new SqliteStore(file).close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/newer than this server knows/);
  });
});
