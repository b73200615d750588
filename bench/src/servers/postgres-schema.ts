/**
 * A throwaway Postgres schema for Outpost-on-Postgres rows, in the database at
 * `BENCH_DATABASE_URL` (default the local test database), dropped when done. The pool
 * helpers come from the server's Postgres adapter, loaded only when a scenario asks.
 */
import { randomBytes } from 'node:crypto';

/** The part of a pg pool the bench uses (bench does not depend on pg itself). */
export interface BenchPool {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

/** The database Postgres rows run against. */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface PostgresHelpers {
  openPostgresPool(url: string, options?: { max?: number; applicationName?: string }): BenchPool;
  withSchema(url: string, schema: string): string;
}

const helpers = async () => (await import(/* @vite-ignore */ '../../../packages/server/src/store/postgres/index')) as PostgresHelpers;

/** A schema of its own: the URL Outpost gets, a pool for the bench's own queries, and drop. */
export interface BenchSchema {
  url: string;
  pool: BenchPool;
  drop(): Promise<void>;
}

/** A pool on `url` (default the bench's database) for the bench's own queries. */
export async function openBenchPool(url = BENCH_DATABASE_URL): Promise<BenchPool> {
  const { openPostgresPool } = await helpers();
  return openPostgresPool(url, { max: 1, applicationName: 'outpost-bench' });
}

/** Creates `outpost_bench_<random>`; throws when Postgres is not reachable. */
export async function createBenchSchema(): Promise<BenchSchema> {
  const { openPostgresPool, withSchema } = await helpers();
  const name = `outpost_bench_${randomBytes(5).toString('hex')}`;
  const url = withSchema(BENCH_DATABASE_URL, name);
  const pool = openPostgresPool(url, { max: 2, applicationName: 'outpost-bench' });
  try {
    await pool.query(`CREATE SCHEMA ${name}`);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    url,
    pool,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await pool.end();
    },
  };
}
