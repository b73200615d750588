/**
 * Schema migrations for the Postgres store: numbered SQL steps, applied in order, each
 * recorded in `outpost_migrations`. Every node runs `migrate` at start-up; an advisory lock
 * makes concurrent starts of several nodes apply each step exactly once.
 */
import type pg from 'pg';
import { inTransaction } from './pool';
import { MIGRATIONS, type Migration } from './migrations';

/** Lock key for migrations, per schema, so side-by-side schemas do not wait on each other. */
const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('outpost_migrations:' || $1))`;

/** First schema on the connection's search_path: where Outpost's tables live. */
async function targetSchema(client: pg.PoolClient): Promise<string> {
  const { rows } = await client.query<{ search_path: string }>('SHOW search_path');
  const first = rows[0]!.search_path.split(',')[0]!.trim().replace(/^"|"$/g, '');
  return first === '$user' ? 'public' : first;
}

/**
 * Brings the schema up to date and returns the ids of the steps it applied (empty when it
 * already was). Creates the schema named first on the search_path when it does not exist.
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    const schema = await targetSchema(client);
    await client.query(LOCK_SQL, [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS outpost_migrations (
      id integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ id: number }>('SELECT id FROM outpost_migrations');
    const applied = new Set(rows.map((r) => r.id));
    const done: number[] = [];
    for (const step of [...migrations].sort((a, b) => a.id - b.id)) {
      if (applied.has(step.id)) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO outpost_migrations (id, name) VALUES ($1, $2)', [step.id, step.name]);
      done.push(step.id);
    }
    return done;
  });
}
