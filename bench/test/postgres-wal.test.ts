import { describe, expect, it } from 'vitest';
import { hasPostgres } from '../../test-support/requirements';
import { primePostgresWal } from '../src/harness/postgres-wal';
import { BENCH_DATABASE_URL, openBenchPool } from '../src/servers/postgres-schema';

const segmentsAhead = async (): Promise<number> => {
  const pool = await openBenchPool();
  try {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' AND name > pg_walfile_name(pg_current_wal_lsn())`,
    );
    return rows[0]!.n;
  } finally {
    await pool.end();
  }
};

describe.skipIf(!(await hasPostgres()))('priming the bench Postgres WAL', () => {
  it('leaves recycled segments ahead of the write position, so no measured commit waits for a new one', async () => {
    const wanted = (await segmentsAhead()) + 2; // more than there are: it has to write and recycle
    expect(await primePostgresWal(wanted)).toMatch(/^primed: \d+ WAL segments ahead of the write position \(\d+ before\)/);
    expect(await segmentsAhead()).toBeGreaterThanOrEqual(wanted);
    // Asked again with enough ahead, it writes nothing and says so.
    expect(await primePostgresWal(wanted)).toMatch(/already ahead/);
  });

  it('says why it could not prime, instead of failing the run', async () => {
    const url = new URL(BENCH_DATABASE_URL);
    url.pathname = '/outpost_bench_no_such_database';
    expect(await primePostgresWal(4, url.toString())).toMatch(/^not primed: .*does not exist/);
  });
});
