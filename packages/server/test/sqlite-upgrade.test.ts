/**
 * A data directory from before SQLite schema versions (user_version 0, device sequences
 * keyed by device alone) opened by this server: recognised, upgraded in place, and every
 * device carries on with its numbering.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION } from '../src/store/sqlite/migrations';
import { TestDevice } from './support/ops';
import { api, login, startTestServer, type TestServer } from './support/server';

/** Turns the file back into the shape an older server left: user_version 0, one sequence per device. */
function downgradeToUnversioned(file: string): void {
  const db = new Database(file);
  db.exec(`
CREATE TABLE old_device_seqs (device_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
INSERT INTO old_device_seqs SELECT device_id, MAX(last_seq) FROM device_seqs GROUP BY device_id;
DROP TABLE device_seqs;
ALTER TABLE old_device_seqs RENAME TO device_seqs;
PRAGMA user_version = 0;
`);
  db.close();
}

describe('upgrading a data directory from before schema versions', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
  });

  it('keeps the data and every device numbering where it was', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    const alice = await login(first, 'alice');
    const tablet = new TestDevice();
    for (const to of ['en_route', 'on_site'] as const)
      expect((await api(first, alice, '/api/jobs/job-1001/ops', { method: 'POST', body: tablet.op('job-1001', { kind: 'transition', to }) })).status).toBe(200);
    await first.close();
    downgradeToUnversioned(join(dataDir, 'outpost.db'));

    server = await startTestServer({ dataDir });
    const again = await login(server, 'alice');
    const next = await api(server, again, '/api/jobs/job-1001/ops', { method: 'POST', body: tablet.op('job-1001', { kind: 'transition', to: 'in_progress' }) });
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect((await api(server, again, '/api/jobs/job-1001/ops')).body.ops.map((o: { deviceSeq: number }) => o.deviceSeq)).toEqual([1, 2, 3]);
    const db = new Database(join(dataDir, 'outpost.db'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    db.close();
  });
});
