/**
 * `@outpost/server/postgres`: the Postgres store for scale-out (`OUTPOST_DATABASE_URL`).
 * A subpath of its own so SQLite-only installs never load `pg`; the CLI imports it lazily.
 *
 * @module @outpost/server/postgres
 */
export { migrate, MIGRATIONS, openPostgresPool, openPostgresStore, PostgresStore, withSchema } from './store/postgres/index';
export type { Migration, PostgresPoolOptions } from './store/postgres/index';
