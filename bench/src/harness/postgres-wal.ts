/**
 * Primes the bench's Postgres with WAL segments ahead of its write position, once a run,
 * before any scenario writes to it.
 *
 * A Postgres that has run a while writes its WAL into segments it recycled at earlier
 * checkpoints. A freshly made cluster (every CI and session machine) has none: each 16 MB
 * segment is created, and with `wal_init_zero` (the default) filled with zeros, by the
 * commit that first needs it, and that commit and every one behind it wait. At 10,000
 * updates/s that came every ~10 s and set the p99 of whichever ack window it fell in
 * (Outpost on Postgres at 10,000/s, 29 Nov: windows of 6.5, 12.6, 19.4, 8.2 and 44 ms with
 * four segments created in the run; with the WAL primed, 7.2–8.6 in three windows of five).
 * So the bench measures what a running Postgres does, and says it did (results `postgresWal`).
 */
import { BENCH_DATABASE_URL, openBenchPool, type BenchPool } from '../servers/postgres-schema';

/** Segments wanted ahead of the write position (16 MB each): more than a full run writes between two checkpoints. */
export const PRIMED_SEGMENTS = 32;

/** How many WAL segments Postgres holds ahead of its write position (recycled, ready for use). */
export async function segmentsAhead(pool: BenchPool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' AND name > pg_walfile_name(pg_current_wal_lsn())`);
  return rows[0]!.n;
}

/**
 * Makes Postgres hold `segments` recycled WAL segments ahead of its write position: it
 * writes that many segments (a WAL message and a switch each), then checkpoints, which
 * recycles them as future segments. Needs a superuser (`pg_ls_waldir`, `CHECKPOINT`).
 * Returns what was done, in words, for the results; an error from Postgres is returned
 * in words too (a run without a primed WAL says so). `url`: the database (the bench's by
 * default).
 */
export async function primePostgresWal(segments = PRIMED_SEGMENTS, url = BENCH_DATABASE_URL): Promise<string> {
  const pool = await openBenchPool(url); // connects on its first query
  try {
    const before = await segmentsAhead(pool);
    if (before >= segments) return `primed: ${before} WAL segments were already ahead of the write position`;
    await pool.query(`DO $$ BEGIN
      FOR i IN 1..${segments} LOOP
        PERFORM pg_logical_emit_message(false, 'outpost-bench', 'wal prime');
        PERFORM pg_switch_wal();
      END LOOP;
    END $$`);
    await pool.query('CHECKPOINT');
    const after = await segmentsAhead(pool);
    return after >= segments
      ? `primed: ${after} WAL segments ahead of the write position (${before} before), as a Postgres that has run a while recycles them`
      : `not primed: ${after} WAL segments ahead after priming (wanted ${segments}; check min_wal_size / max_wal_size)`;
  } catch (e) {
    return `not primed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
  } finally {
    await pool.end();
  }
}
