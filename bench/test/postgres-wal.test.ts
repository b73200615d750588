import { describe, expect, it } from 'vitest';
import { hasPostgres } from '../../test-support/requirements';
import { primePostgresWal, segmentsAhead } from '../src/harness/postgres-wal';
import { BENCH_DATABASE_URL, openBenchPool } from '../src/servers/postgres-schema';

const ahead = async (): Promise<number> => {
  const pool = await openBenchPool();
  try {
    return await segmentsAhead(pool);
  } finally {
    await pool.end();
  }
};

/** The segment number of the WAL write position. */
const writeSegment = async (): Promise<number> => {
  const pool = await openBenchPool();
  try {
    const { rows } = await pool.query<{ name: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS name');
    return parseInt(rows[0]!.name.slice(8), 16);
  } finally {
    await pool.end();
  }
};

describe.skipIf(!(await hasPostgres()))('priming the bench Postgres WAL', () => {
  it('leaves the asked number of recycled segments ahead of the write position', async () => {
    expect(await primePostgresWal(4)).toMatch(/^primed: \d+ WAL segments (were already )?ahead of the write position/);
    expect(await ahead()).toBeGreaterThanOrEqual(4);
    // Asked again with enough ahead, it writes nothing and says so.
    const at = await writeSegment();
    expect(await primePostgresWal(4)).toMatch(/already ahead/);
    expect(await writeSegment()).toBe(at);
  });

  it('writes that many segments and checkpoints when fewer are ahead, and says how many it then holds', async () => {
    const before = await ahead();
    const at = await writeSegment();
    const wanted = before + 1;
    const note = await primePostgresWal(wanted);
    // Postgres keeps what its checkpoint estimate and max_wal_size allow: usually all of them.
    expect(note).toMatch(
      new RegExp(`^(primed: \\d+ WAL segments ahead of the write position \\(${before} before\\)|not primed: \\d+ WAL segments ahead after priming \\(wanted ${wanted})`),
    );
    expect(await writeSegment()).toBeGreaterThanOrEqual(at + wanted);
    expect(await ahead()).toBeGreaterThanOrEqual(Math.min(before, 5));
  });

  it('says why it could not prime, instead of failing the run', async () => {
    const url = new URL(BENCH_DATABASE_URL);
    url.pathname = '/outpost_bench_no_such_database';
    expect(await primePostgresWal(4, url.toString())).toMatch(/^not primed: .*does not exist/);
  });
});
