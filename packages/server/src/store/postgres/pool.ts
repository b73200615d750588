/**
 * The Postgres connection pool for one server node. Every node of a cluster opens its own
 * pool against the same database; the schema is chosen by the URL's `search_path`
 * (`?options=-c search_path=…`, libpq style), so tests and side-by-side installs can each
 * live in their own schema of one database.
 */
import pg from 'pg';
import type { Durability } from '../store';

/** Options for {@link openPostgresPool}. */
export interface PostgresPoolOptions {
  /** Most connections this node holds open; ops and commits queue behind them. */
  max?: number;
  /**
   * Connections kept open while idle (default 0). A node opening its store opens this many
   * at start (`PostgresStore.open`), so the first requests after a restart do not each wait
   * for a new Postgres backend.
   */
  min?: number;
  /** Name the node reports in `pg_stat_activity`, to tell nodes apart when debugging. */
  applicationName?: string;
  /**
   * Default `full`: every connection commits with `synchronous_commit` at least `on` (a
   * server or role default of `off` is overridden on the connection; `local`,
   * `remote_write` and `remote_apply` already wait for the local WAL flush and are kept).
   * `process` sets `synchronous_commit = off`: a commit returns before its WAL flush, so a
   * Postgres crash or power loss can lose the last acked commits (never an Outpost crash).
   */
  durability?: Durability;
}

/**
 * Runs on each new connection before it is handed out, so no commit ever runs without it.
 * `set_config(..., false)` lasts for the session, as a `SET` would.
 */
function durabilityHook(durability: Durability): (client: pg.ClientBase) => Promise<void> {
  if (durability === 'process') {
    return async (client) => {
      await client.query('SET synchronous_commit = off');
    };
  }
  let warned = false;
  return async (client) => {
    const { rows } = await client.query<{ was: string }>(
      `SELECT current_setting('synchronous_commit') AS was, set_config('synchronous_commit', 'on', false)
       WHERE current_setting('synchronous_commit') = 'off'`,
    );
    if (rows.length > 0 && !warned) {
      warned = true;
      console.warn('[outpost] Postgres runs synchronous_commit = off; Outpost sets it to on for its own connections (durability full)');
    }
  };
}

/**
 * Opens a pool for `url` (postgres://…). Idle-client errors (the database restarting,
 * a connection cut by a proxy) are logged instead of crashing the node: the pool drops the
 * broken client and the next query opens a new one.
 */
export function openPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    min: options.min ?? 0,
    application_name: options.applicationName ?? 'outpost-server',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    onConnect: durabilityHook(options.durability ?? 'full'),
  });
  pool.on('error', (err) => console.warn(`[outpost] idle Postgres connection failed: ${err.message}`));
  return pool;
}

/**
 * Opens `n` connections at once, runs `prepare` on each (statements parsed and planned,
 * catalogs cached by the new backend), and hands them back to the pool idle (they stay open
 * while `n` ≤ the pool's `min`).
 */
export async function openConnections(pool: pg.Pool, n: number, prepare: (client: pg.PoolClient) => Promise<void> = async () => undefined): Promise<void> {
  const clients = await Promise.all(Array.from({ length: n }, () => pool.connect()));
  try {
    await Promise.all(clients.map(prepare));
  } finally {
    for (const c of clients) c.release();
  }
}

/** Returns `url` with its `search_path` set to `schema`, so every pooled connection uses it. */
export function withSchema(url: string, schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a plain schema name: ${schema}`);
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/**
 * Runs `work` in one transaction on one pooled client: commit when it resolves, rollback
 * when it throws. The client goes back to the pool either way.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
