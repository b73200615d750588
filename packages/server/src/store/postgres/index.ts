/**
 * The Postgres store for scale-out (`OUTPOST_DATABASE_URL`). The CLI imports this module
 * only when that variable is set, so SQLite-only installs never load `pg`.
 */
import { PostgresStore } from './postgres-store';
import type { PostgresPoolOptions } from './pool';

export { migrate } from './migrate';
export { MIGRATIONS, type Migration } from './migrations';
export { openPostgresPool, withSchema, type PostgresPoolOptions } from './pool';
export { PostgresStore } from './postgres-store';

/** Connects to `url` (postgres://…; schema by `?options=-c search_path=…`), migrates, returns the store. */
export function openPostgresStore(url: string, options: PostgresPoolOptions = {}): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
