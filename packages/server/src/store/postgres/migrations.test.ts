import { describe, expect, it } from 'vitest';
import { hasPostgres, testDatabaseUrl } from '../../../../../test-support/requirements';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import { openPostgresPool } from './pool';
import { createTestSchema } from './test-schema';

// Skipped (with a message from hasPostgres) when Postgres is not running outside CI.
describe.skipIf(!(await hasPostgres()))('Postgres schema steps', () => {
  it('moves device sequences of a step-1 database to (user, device), keeping each device where it was', async () => {
    const schema = await createTestSchema(testDatabaseUrl);
    const pool = openPostgresPool(schema.url, { max: 1 });
    try {
      expect(await migrate(pool, MIGRATIONS.slice(0, 1))).toEqual([1]);
      const entry = (actor: string, deviceId: string, seq: number) => JSON.stringify({ opId: `op-${seq}`, jobId: 'job-1', actor, deviceId, deviceSeq: seq });
      await pool.query(`INSERT INTO ops (op_id, job_id, seq, entry) VALUES ('op-1', 'job-1', 1, $1), ('op-2', 'job-1', 2, $2)`, [
        entry('alice', 'tablet', 1),
        entry('bob', 'tablet', 2),
      ]);
      await pool.query(`INSERT INTO device_seqs (device_id, last_seq) VALUES ('tablet', 3), ('orphan', 7)`);
      expect(await migrate(pool)).toEqual(MIGRATIONS.slice(1).map((m) => m.id));
      const { rows } = await pool.query('SELECT user_id, device_id, last_seq::int AS last_seq FROM device_seqs ORDER BY user_id');
      expect(rows).toEqual([
        { user_id: 'alice', device_id: 'tablet', last_seq: 3 },
        { user_id: 'bob', device_id: 'tablet', last_seq: 3 },
      ]);
    } finally {
      await pool.end();
      await schema.drop();
    }
  });
});
